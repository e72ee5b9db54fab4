"""What the tests share besides fixtures: services, accounts, servers, clients and waiting."""
