"""Just enough of the y-protocols awareness format to know whose cursors a socket carries and to
remove them for everyone when that socket goes away."""

from __future__ import annotations

from pycrdt import Decoder, Encoder

MAX_CLIENTS_PER_UPDATE = 64


class InvalidAwareness(ValueError):
    pass


def read_clients(update: bytes) -> dict[int, int]:
    """``{client id: clock}`` of an awareness update; :class:`InvalidAwareness` if malformed."""
    try:
        decoder = Decoder(update)
        count = decoder.read_var_uint()
        if count > MAX_CLIENTS_PER_UPDATE:
            raise InvalidAwareness("too many awareness states in one update")
        clients: dict[int, int] = {}
        for _ in range(count):
            client = decoder.read_var_uint()
            clock = decoder.read_var_uint()
            decoder.read_var_string()
            clients[client] = clock
    except (RuntimeError, IndexError, ValueError) as error:
        # What pycrdt's decoder raises on a short stream, a varint past the end, bad UTF-8.
        if isinstance(error, InvalidAwareness):
            raise
        raise InvalidAwareness("not an awareness update") from None
    return clients


def removal(clients: dict[int, int]) -> bytes:
    """An awareness update that marks ``clients`` as gone: state null at the clock last seen.

    The same clock, as y-protocols' own ``removeAwarenessStates`` encodes other clients: peers
    accept a null state at an equal clock, and a client that comes back needs only one newer
    clock to be seen again (one ahead here would make peers ignore its next state too).
    """
    encoder = Encoder()
    encoder.write_var_uint(len(clients))
    for client, clock in clients.items():
        encoder.write_var_uint(client)
        encoder.write_var_uint(clock)
        encoder.write_var_string("null")
    return encoder.to_bytes()
