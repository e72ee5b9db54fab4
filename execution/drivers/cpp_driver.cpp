// The trusted C++ driver: calls the student's member function on each case, inside the sandbox.
//
// It speaks the protocol of c_driver.c. It reads the job (the signature and the cases' inputs,
// never the expected outputs) as one JSON document on stdin, and reports on the descriptor given
// as --reports=N, one JSON object per line: "ready" (or "load_error"), then "start" and "done"
// (or "error") per case, each with the stdout offsets the case wrote between.
//
// The student's solution.cpp is a unit of its own; its prelude holds the glue generated from the
// question's signature (execution/languages/cpp.py), which reads a case's arguments, calls
// Solution's member function between begin_call and end_call, and writes the result as JSON
// (cpp_driver_values.hpp). This unit is the rest: the job, the reports, the student's stdout,
// and the ways a case fails. The calls run on a thread with a big stack; a crash (a signal), an
// uncaught exception, a failed assert or exit() while a case runs is that case's Runtime Error,
// with the student's line where the program's line tables give it (gcc's libbacktrace);
// std::bad_alloc is a memory limit. Before main, while the student's unit initializes its
// globals, the same failures are a "load_error".
//
// It is written in plain C++ (malloc, char buffers, no <string> or <vector>): built afresh for
// every run, it must build fast, and much of it runs in signal handlers.

#include <backtrace.h>
#include <cxxabi.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <typeinfo>

#include "cpp_driver_api.hpp"

using peerprep::Json;

namespace {

constexpr std::size_t kGuardBytes = std::size_t{1} << 20;
// The signal handler's stack: libbacktrace reads the line tables on it. Untouched, it is free.
constexpr std::size_t kAltStackBytes = std::size_t{1} << 20;
constexpr int kMaxFrames = 256;
constexpr char kOomMarker[] = "peerprep-cpp-driver: out of memory\n";
constexpr char kStudentFile[] = "solution.cpp";

enum Phase : int {
    kLoading,  // before main: the student's globals are being initialized
    kIdle,  // the driver's own work
    kStudent,  // a case in flight
    kResult,  // the driver reads the value the call returned
};

// Every global here is constant-initialized: start() below runs before any unit's dynamic
// initializers, this one's included.
int reports_fd = -1;
std::size_t stack_bytes = std::size_t{256} << 20;
char* stack_low = nullptr;  // the lowest usable byte of the worker's stack
const Json* cases = nullptr;
backtrace_state* symbols = nullptr;

// The case in flight, for the handlers of its failures.
volatile sig_atomic_t phase = kLoading;
volatile sig_atomic_t case_index = -1;
timespec started;
double call_ms;
bool called;  // end_call was reached
std::size_t out_before;
const Json* case_input;
char* case_output;  // the result's JSON, or why it has none
std::size_t case_output_len;
bool case_invalid;
// One failure reports; a second thread failing at once waits for the first to end the process.
bool failing;

[[noreturn]] void out_of_memory();

[[noreturn]] void fail(const char* why) {
    std::fprintf(stderr, "peerprep-cpp-driver: %s\n", why);
    _exit(2);
}

void* allocate(std::size_t size) {
    void* data = std::malloc(size != 0 ? size : 1);
    if (data == nullptr) out_of_memory();
    return data;
}

void* reallocate(void* data, std::size_t size) {
    data = std::realloc(data, size != 0 ? size : 1);
    if (data == nullptr) out_of_memory();
    return data;
}

// Writes -----------------------------------------------------------------------------------

// Signal-safe.
void write_all(int fd, const char* data, std::size_t len) {
    while (len > 0) {
        ssize_t sent = ::write(fd, data, len);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += sent;
        len -= static_cast<std::size_t>(sent);
    }
}

// A report line in a fixed buffer: no heap, for signal handlers and a failed allocation.
struct Line {
    char data[1024];
    std::size_t len = 0;

    Line& put(const char* text) {
        while (*text != '\0' && len < sizeof data - 2) data[len++] = *text++;
        return *this;
    }

    Line& number(unsigned long long value) {
        char digits[24];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (count > 0 && len < sizeof data - 2) data[len++] = digits[--count];
        return *this;
    }

    Line& millis(double ms) {
        unsigned long long micros = ms > 0 ? static_cast<unsigned long long>(ms * 1000.0) : 0;
        number(micros / 1000).put(".");
        const char fraction[] = {static_cast<char>('0' + micros / 100 % 10),
                                 static_cast<char>('0' + micros / 10 % 10),
                                 static_cast<char>('0' + micros % 10), '\0'};
        return put(fraction);
    }

    Line& line_number(int line) {
        return line > 0 ? number(static_cast<unsigned>(line)) : put("null");
    }

    void send() {
        data[len++] = '\n';
        write_all(reports_fd, data, len);
    }
};

// A growing report line, for messages of any length.
struct Buffer {
    char* data = nullptr;
    std::size_t len = 0;
    std::size_t cap = 0;

    void add(const char* text, std::size_t count) {
        if (len + count + 2 > cap) {
            std::size_t grown = cap != 0 ? cap : 256;
            while (len + count + 2 > grown) grown *= 2;
            data = static_cast<char*>(reallocate(data, grown));
            cap = grown;
        }
        std::memcpy(data + len, text, count);
        len += count;
    }

    Buffer& put(const char* text) {
        add(text, std::strlen(text));
        return *this;
    }

    Buffer& format(const char* pattern, ...) __attribute__((format(printf, 2, 3))) {
        char small[128];
        va_list args;
        va_start(args, pattern);
        int count = std::vsnprintf(small, sizeof small, pattern, args);
        va_end(args);
        if (count < 0) return *this;
        if (static_cast<std::size_t>(count) < sizeof small) {
            add(small, static_cast<std::size_t>(count));
            return *this;
        }
        char* big = static_cast<char*>(allocate(static_cast<std::size_t>(count) + 1));
        va_start(args, pattern);
        std::vsnprintf(big, static_cast<std::size_t>(count) + 1, pattern, args);
        va_end(args);
        add(big, static_cast<std::size_t>(count));
        std::free(big);
        return *this;
    }

    // ``text`` as a JSON string.
    Buffer& string(const char* text, std::size_t count) {
        char* escaped = static_cast<char*>(allocate(6 * count + 2));
        add(escaped, peerprep::escape(text, count, escaped));
        std::free(escaped);
        return *this;
    }

    void send() {
        add("\n", 1);
        write_all(reports_fd, data, len);
        std::free(data);
        *this = Buffer();
    }
};

bool ends_with(const char* text, const char* suffix) {
    std::size_t text_len = std::strlen(text), suffix_len = std::strlen(suffix);
    return text_len >= suffix_len && std::strcmp(text + text_len - suffix_len, suffix) == 0;
}

double ms_since(const timespec& start) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec - start.tv_sec) * 1000.0 +
           static_cast<double>(now.tv_nsec - start.tv_nsec) / 1e6;
}

// The student's stdout -----------------------------------------------------------------------
//
// Descriptor 1 is a pipe that this unit drains into the real stdout, counting the bytes: what the
// student writes is counted however it is written (printf, std::cout with or without
// sync_with_stdio, write(1, ...)). A thread forwards as the student writes, so a flood reaches the
// executor's output cap; at a case's edges the driver drains what is left itself, under the same
// lock, so the count is exact there.

int real_stdout = -1;
int captured = -1;  // the pipe's read end, non-blocking
bool stdout_lock;
char stdout_chunk[65536];
std::size_t stdout_forwarded;

// Forwards what is in the pipe; returns the bytes forwarded in all. Signal-safe.
std::size_t drain_stdout() {
    while (__atomic_test_and_set(&stdout_lock, __ATOMIC_ACQUIRE)) sched_yield();
    for (;;) {
        ssize_t got = ::read(captured, stdout_chunk, sizeof stdout_chunk);
        if (got > 0) {
            write_all(real_stdout, stdout_chunk, static_cast<std::size_t>(got));
            stdout_forwarded += static_cast<std::size_t>(got);
        } else if (!(got < 0 && errno == EINTR)) {
            break;  // empty
        }
    }
    std::size_t total = stdout_forwarded;
    __atomic_clear(&stdout_lock, __ATOMIC_RELEASE);
    return total;
}

void* forward_stdout(void*) {
    for (;;) {
        pollfd ready = {captured, POLLIN, 0};
        if (poll(&ready, 1, -1) < 0) {
            if (errno == EINTR) continue;
            return nullptr;
        }
        drain_stdout();
        if ((ready.revents & POLLIN) == 0) return nullptr;  // no writer left
    }
}

// What the student's streams hold, into the pipe, then counted.
std::size_t flush_student_stdout() {
    peerprep::flush_cout();
    std::fflush(stdout);
    return drain_stdout();
}

void capture_stdout() {
    int ends[2];
    real_stdout = fcntl(1, F_DUPFD_CLOEXEC, 3);
    if (real_stdout < 0 || pipe2(ends, O_CLOEXEC) != 0 || dup2(ends[1], 1) < 0)
        fail("cannot capture stdout");
    close(ends[1]);
    captured = ends[0];
    fcntl(captured, F_SETFL, O_NONBLOCK);
    // Unbuffered, as the C driver has it: a case's prints are in the pipe when it crashes.
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    pthread_t forwarder;
    if (pthread_create(&forwarder, nullptr, forward_stdout, nullptr) != 0)
        fail("cannot start the stdout thread");
    pthread_detach(forwarder);
}

// The job ------------------------------------------------------------------------------------

struct Parser {
    const char* at;
    const char* end;

    void space() {
        while (at < end && (*at == ' ' || *at == '\n' || *at == '\r' || *at == '\t')) at++;
    }

    bool word(const char* text) {
        std::size_t len = std::strlen(text);
        if (static_cast<std::size_t>(end - at) < len || std::memcmp(at, text, len) != 0)
            return false;
        at += len;
        return true;
    }

    unsigned hex4() {
        if (end - at < 4) fail("bad \\u escape in the job");
        unsigned code = 0;
        for (int k = 0; k < 4; k++) {
            char c = *at++;
            code <<= 4;
            if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
            else fail("bad \\u escape in the job");
        }
        return code;
    }

    static void utf8(Buffer& out, unsigned code) {
        char bytes[4];
        std::size_t count;
        if (code < 0x80) {
            bytes[0] = static_cast<char>(code);
            count = 1;
        } else if (code < 0x800) {
            bytes[0] = static_cast<char>(0xC0 | (code >> 6));
            bytes[1] = static_cast<char>(0x80 | (code & 0x3F));
            count = 2;
        } else if (code < 0x10000) {
            bytes[0] = static_cast<char>(0xE0 | (code >> 12));
            bytes[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            bytes[2] = static_cast<char>(0x80 | (code & 0x3F));
            count = 3;
        } else {
            bytes[0] = static_cast<char>(0xF0 | (code >> 18));
            bytes[1] = static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            bytes[2] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            bytes[3] = static_cast<char>(0x80 | (code & 0x3F));
            count = 4;
        }
        out.add(bytes, count);
    }

    // A string's bytes, NUL-terminated (a key is compared as one).
    const char* string(std::size_t* len) {
        Buffer text;
        at++;  // the opening quote
        while (at < end && *at != '"') {
            char c = *at++;
            if (c != '\\') {
                text.add(&c, 1);
                continue;
            }
            if (at >= end) break;
            c = *at++;
            const char* plain = c == 'n' ? "\n" : c == 't' ? "\t" : c == 'r' ? "\r"
                              : c == 'b' ? "\b" : c == 'f' ? "\f" : nullptr;
            if (plain != nullptr) {
                text.add(plain, 1);
            } else if (c == 'u') {
                unsigned code = hex4();
                if (code >= 0xD800 && code < 0xDC00 && end - at >= 6 && at[0] == '\\' &&
                    at[1] == 'u') {
                    const char* back = at;
                    at += 2;
                    unsigned low = hex4();
                    if (low >= 0xDC00 && low < 0xE000)
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    else
                        at = back;
                }
                if (code >= 0xD800 && code < 0xE000) code = 0xFFFD;  // a lone surrogate
                utf8(text, code);
            } else {
                text.add(&c, 1);  // " \ /
            }
        }
        if (at >= end) fail("unterminated string in the job");
        at++;  // the closing quote
        *len = text.len;
        text.add("", 1);
        return text.data;
    }

    void value(Json& found) {
        found = Json{};
        space();
        if (at >= end) fail("the job ends too soon");
        char c = *at;
        if (c == '{' || c == '[') {
            found.kind = c == '{' ? Json::kObject : Json::kArray;
            char close = c == '{' ? '}' : ']';
            at++;
            space();
            if (at < end && *at == close) {
                at++;
                return;
            }
            Json* items = nullptr;
            const char** keys = nullptr;
            std::size_t cap = 0;
            for (;;) {
                if (found.len == cap) {
                    cap = cap != 0 ? cap * 2 : 4;
                    items = static_cast<Json*>(reallocate(items, sizeof *items * cap));
                    if (found.kind == Json::kObject)
                        keys = static_cast<const char**>(reallocate(keys, sizeof *keys * cap));
                }
                if (found.kind == Json::kObject) {
                    space();
                    if (at >= end || *at != '"') fail("an object key expected in the job");
                    std::size_t len;
                    keys[found.len] = string(&len);
                    space();
                    if (at >= end || *at != ':') fail("':' expected in the job");
                    at++;
                }
                value(items[found.len++]);
                found.items = items;
                found.keys = keys;
                space();
                if (at < end && *at == ',') {
                    at++;
                    continue;
                }
                if (at < end && *at == close) {
                    at++;
                    return;
                }
                fail("',' or a closing bracket expected in the job");
            }
        }
        if (c == '"') {
            found.kind = Json::kString;
            found.text = string(&found.text_len);
            return;
        }
        if (word("true") || word("false")) {
            found.kind = Json::kBool;
            found.boolean = c == 't';
            return;
        }
        if (word("null")) return;
        const char* start = at;
        bool integral = true;
        while (at < end && std::strchr("+-0123456789.eE", *at) != nullptr) {
            if (*at == '.' || *at == 'e' || *at == 'E') integral = false;
            at++;
        }
        char digits[64];
        std::size_t len = static_cast<std::size_t>(at - start);
        if (len == 0) fail("a value expected in the job");
        if (len >= sizeof digits) fail("a number too long in the job");
        std::memcpy(digits, start, len);
        digits[len] = '\0';
        found.kind = Json::kNumber;
        found.number = std::strtod(digits, nullptr);
        found.integer = integral ? std::strtoll(digits, nullptr, 10)
                                 : static_cast<long long>(found.number);
    }
};

const Json& field(const Json& object, const char* key) {
    if (object.kind != Json::kObject) fail("an object expected in the job");
    for (std::size_t k = 0; k < object.len; k++)
        if (std::strcmp(object.keys[k], key) == 0) return object.items[k];
    std::fprintf(stderr, "peerprep-cpp-driver: no %s in the job\n", key);
    _exit(2);
}

// Failures -----------------------------------------------------------------------------------

// The innermost line of solution.cpp on this thread's stack, or 0. Signal-safe: libbacktrace
// reads the line tables with mmap, never malloc.
struct Frames {
    int line = 0;
    int seen = 0;
};

int on_frame(void* data, uintptr_t, const char* file, int line, const char*) {
    auto* frames = static_cast<Frames*>(data);
    if (file != nullptr && ends_with(file, kStudentFile)) {
        frames->line = line;
        return 1;
    }
    return ++frames->seen >= kMaxFrames ? 1 : 0;
}

void on_symbols_error(void*, const char*, int) {}

int student_line() {
    Frames frames;
    if (symbols != nullptr) backtrace_full(symbols, 0, on_frame, on_symbols_error, &frames);
    return frames.line;
}

// A failure stops the case's clock before anything else: reading the line tables takes time.
void stop_clock() {
    if (!called) call_ms = ms_since(started);
    called = true;
}

void claim_the_report() {
    if (__atomic_test_and_set(&failing, __ATOMIC_ACQ_REL)) {
        for (;;) pause();
    }
    stop_clock();
}

// The student's failure with a message of this file's (nothing to escape), from a signal.
void report_signal(const char* error, int student) {
    Line line;
    if (phase == kLoading) {
        line.put("{\"event\": \"load_error\", \"kind\": \"runtime\", \"error\": \"").put(error);
        line.put("\", \"line\": ").line_number(student).put("}");
    } else {
        std::size_t after = drain_stdout();
        line.put("{\"event\": \"error\", \"case\": ").number(case_index);
        line.put(", \"ms\": ").millis(call_ms).put(", \"error\": \"").put(error);
        if (phase == kResult)
            line.put(", while the driver read the returned value (check its pointers)");
        line.put("\", \"line\": ").line_number(student);
        line.put(", \"out\": [").number(out_before).put(", ").number(after).put("]}");
    }
    line.send();
}

// The student's failure with any message (an exception's, an assertion's).
void report_error(const char* error, int student) {
    Buffer line;
    if (phase == kLoading) {
        line.put("{\"event\": \"load_error\", \"kind\": \"runtime\", \"error\": ");
        line.string(error, std::strlen(error));
    } else {
        std::size_t after = flush_student_stdout();
        Line ms;
        ms.millis(call_ms);
        line.format("{\"event\": \"error\", \"case\": %d, \"ms\": ", static_cast<int>(case_index));
        line.add(ms.data, ms.len);
        line.put(", \"error\": ").string(error, std::strlen(error));
        line.format(", \"out\": [%zu, %zu]", out_before, after);
    }
    if (student > 0) line.format(", \"line\": %d", student);
    else line.put(", \"line\": null");
    line.put("}").send();
}

// Memory ran out (std::bad_alloc, or the driver's own malloc): without the heap, a memory limit
// on the case in flight, and the marker the executor reads as one anywhere else.
[[noreturn]] void out_of_memory() {
    if (phase == kStudent || phase == kResult) {
        stop_clock();
        Line line;
        line.put("{\"event\": \"error\", \"case\": ").number(case_index);
        line.put(", \"ms\": ").millis(call_ms);
        line.put(", \"limit\": \"memory\", \"error\": \"out of memory (std::bad_alloc)\"");
        line.put(", \"out\": [").number(out_before).put(", ").number(drain_stdout()).put("]}");
        line.send();
    }
    write_all(2, kOomMarker, sizeof kOomMarker - 1);
    _exit(1);
}

const char* describe(int number, const siginfo_t* info) {
    const char* address = info != nullptr ? static_cast<const char*>(info->si_addr) : nullptr;
    switch (number) {
        case SIGSEGV:
            if (stack_low != nullptr && address >= stack_low - kGuardBytes - 4096 &&
                address < stack_low + 4096)
                return "Segmentation fault (SIGSEGV): stack overflow (recursion too deep?)";
            // A non-canonical address faults with SI_KERNEL and no address: not a null one.
            if (info != nullptr && info->si_code == SEGV_MAPERR &&
                reinterpret_cast<uintptr_t>(address) < 4096)
                return "Segmentation fault (SIGSEGV): a null pointer dereferenced";
            return "Segmentation fault (SIGSEGV): a bad memory access (an index out of range, a "
                   "deleted or uninitialized pointer?)";
        case SIGFPE:
            return info != nullptr && info->si_code == FPE_INTDIV
                       ? "Floating point exception (SIGFPE): integer division by zero (or "
                         "INT_MIN / -1)"
                       : "Floating point exception (SIGFPE)";
        case SIGBUS: return "Bus error (SIGBUS): a bad memory access";
        case SIGILL:
            // g++ plants a trap where it proves the code undefined: x / 0 with a constant 0...
            return "Illegal instruction (SIGILL): code the compiler found undefined (a division "
                   "by zero, a null dereference?)";
        case SIGABRT:
            return "Aborted (SIGABRT): abort() was called, or the C library found the heap "
                   "corrupted (a double delete, a write past the end of an array?)";
        default: return "killed by a signal";
    }
}

void on_signal(int number, siginfo_t* info, void*) {
    if (phase == kIdle) {
        // Not the student's code: die of it as the signal would have it.
        signal(number, SIG_DFL);
        raise(number);
        return;
    }
    claim_the_report();
    report_signal(describe(number, info), student_line());
    _exit(1);
}

// "uncaught exception <type>" and what it says.
char* describe_exception(const char* what) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    int status = -1;
    char* readable =
        type != nullptr ? abi::__cxa_demangle(type->name(), nullptr, nullptr, &status) : nullptr;
    const char* name = status == 0 ? readable : type != nullptr ? type->name() : "?";
    Buffer error;
    error.put("uncaught exception ").put(name);
    if (what != nullptr) error.put(": ").put(what);
    error.add("", 1);
    std::free(readable);
    return error.data;
}

// The stack is as the throw left it: with no handler to unwind to, __cxa_throw calls terminate
// where it is, so the student's line is still on it.
[[noreturn]] void on_terminate() {
    if (phase != kIdle) stop_clock();
    int student = student_line();
    char* error = nullptr;
    if (std::exception_ptr thrown = std::current_exception()) {
        try {
            std::rethrow_exception(thrown);
        } catch (const std::bad_alloc&) {
            out_of_memory();
        } catch (const std::exception& exception) {
            error = describe_exception(exception.what());
        } catch (const char* text) {
            error = describe_exception(text != nullptr ? text : "(null)");
        } catch (...) {
            error = describe_exception(nullptr);
        }
    }
    const char* message = error != nullptr ? error : "std::terminate was called";
    if (phase == kIdle) fail(message);
    claim_the_report();
    report_error(message, student);
    _exit(1);
}

void on_exit_called(int status, void*) {
    if (phase == kIdle) return;
    claim_the_report();
    char error[96];
    std::snprintf(error, sizeof error, "the program ended %s: exit(%d) was called",
                  phase == kLoading ? "before the first case" : "during the case", status);
    report_error(error, student_line());
    phase = kIdle;
}

void use_alternate_signal_stack() {
    void* memory = mmap(nullptr, kAltStackBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED) fail("cannot map the signal stack");
    stack_t alternate = {};
    alternate.ss_sp = memory;
    alternate.ss_size = kAltStackBytes;
    sigaltstack(&alternate, nullptr);
}

// The job is read into this before any of the student's code can read stdin.
char* job_data;
std::size_t job_len;

void read_job() {
    std::size_t cap = 0;
    for (;;) {
        if (job_len == cap) {
            cap = cap != 0 ? cap * 2 : 65536;
            job_data = static_cast<char*>(reallocate(job_data, cap));
        }
        ssize_t got = ::read(0, job_data + job_len, cap - job_len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        job_len += static_cast<std::size_t>(got);
    }
    int nothing = open("/dev/null", O_RDONLY);
    if (nothing >= 0) {
        dup2(nothing, 0);
        close(nothing);
    }
}

// Before the student's globals (priority 101 runs before every unit's own initializers): the
// reports, the job, stdout and the failure handlers are ready when the student's code first
// runs. glibc passes main's arguments to initializers.
__attribute__((constructor(101))) void start(int argc, char** argv, char**) {
    for (int k = 1; k < argc; k++) {
        if (std::strncmp(argv[k], "--reports=", 10) == 0) reports_fd = std::atoi(argv[k] + 10);
        if (std::strncmp(argv[k], "--stack-mb=", 11) == 0)
            stack_bytes = static_cast<std::size_t>(std::strtoul(argv[k] + 11, nullptr, 10)) << 20;
    }
    if (reports_fd < 0) fail("no --reports=N");
    // A student's print must never reach the reports: the descriptor is closed to them.
    fcntl(reports_fd, F_SETFD, FD_CLOEXEC);
    if (stack_bytes < (std::size_t{8} << 20)) stack_bytes = std::size_t{8} << 20;
    read_job();
    capture_stdout();

    symbols = backtrace_create_state(nullptr, 0, on_symbols_error, nullptr);
    use_alternate_signal_stack();
    struct sigaction action = {};
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    static const int kCrashes[] = {SIGSEGV, SIGFPE, SIGBUS, SIGILL, SIGABRT};
    for (int number : kCrashes) sigaction(number, &action, nullptr);
    std::set_terminate(on_terminate);
    on_exit(on_exit_called, nullptr);
}

void finish_case(int index) {
    std::size_t after = flush_student_stdout();
    Line ms;
    ms.millis(call_ms);
    Buffer line;
    line.format("{\"event\": \"done\", \"case\": %d, \"ms\": ", index).add(ms.data, ms.len);
    if (case_output == nullptr) {
        line.put(", \"output\": null");
    } else if (case_invalid) {
        line.put(", \"invalid\": ").string(case_output, case_output_len);
    } else {
        line.put(", \"output\": ").add(case_output, case_output_len);
    }
    line.format(", \"out\": [%zu, %zu]}", out_before, after);
    std::free(case_output);
    case_output = nullptr;
    phase = kIdle;
    case_index = -1;
    line.send();
}

void* work(void*) {
    use_alternate_signal_stack();
    Buffer ready;
    ready.put("{\"event\": \"ready\"}").send();
    for (std::size_t index = 0; index < cases->len; index++) {
        case_input = &cases->items[index];
        case_index = static_cast<int>(index);
        called = false;
        peerprep::run_case();
        finish_case(static_cast<int>(index));
    }
    return nullptr;
}

// The length of the valid UTF-8 sequence at s[k], or 0.
std::size_t utf8_length(const unsigned char* s, std::size_t k, std::size_t len) {
    unsigned char c = s[k];
    if (c < 0x80) return 1;
    std::size_t need;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (k + need >= len) return 0;
    for (std::size_t m = 1; m <= need; m++) {
        unsigned char next = s[k + m];
        if (next < (m == 1 ? low : 0x80) || next > (m == 1 ? high : 0xBF)) return 0;
    }
    return need + 1;
}

}  // namespace

// What the glue calls ----------------------------------------------------------------------

const Json& peerprep::argument(const char* name) { return field(*case_input, name); }

void peerprep::begin_case() {
    out_before = flush_student_stdout();
    Buffer line;
    line.format("{\"event\": \"start\", \"case\": %d}", static_cast<int>(case_index)).send();
    clock_gettime(CLOCK_MONOTONIC, &started);
    phase = kStudent;
}

void peerprep::begin_call() { clock_gettime(CLOCK_MONOTONIC, &started); }

void peerprep::end_call() {
    call_ms = ms_since(started);
    called = true;
}

void peerprep::begin_result() { phase = kResult; }

void peerprep::end_result(const char* json, std::size_t len, const char* invalid) {
    case_invalid = invalid != nullptr;
    if (case_invalid) {
        json = invalid;
        len = std::strlen(invalid);
    }
    case_output = static_cast<char*>(allocate(len));
    std::memcpy(case_output, json, len);
    case_output_len = len;
    phase = kStudent;  // the student's destructors run next
}

std::size_t peerprep::escape(const char* text, std::size_t len, char* out) {
    static const char hex[] = "0123456789abcdef";
    const auto* s = reinterpret_cast<const unsigned char*>(text);
    std::size_t at = 0;
    out[at++] = '"';
    for (std::size_t k = 0; k < len;) {
        unsigned char c = s[k];
        const char* named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f" : nullptr;
        if (named != nullptr) {
            out[at++] = named[0];
            out[at++] = named[1];
            k++;
        } else if (c < 0x20 || c == 0x7F) {
            std::memcpy(out + at, "\\u00", 4);
            out[at + 4] = hex[c >> 4];
            out[at + 5] = hex[c & 0xF];
            at += 6;
            k++;
        } else if (std::size_t length = utf8_length(s, k, len); length > 0) {
            std::memcpy(out + at, text + k, length);
            at += length;
            k += length;
        } else {
            std::memcpy(out + at, "\\ufffd", 6);
            at += 6;
            k++;
        }
    }
    out[at++] = '"';
    return at;
}

// glibc's assert() reports here (a definition in the program comes before the C library's): the
// assertion and its line, as the case's error.
extern "C" void __assert_fail(const char* assertion, const char* file, unsigned int line,
                              const char* function) noexcept {
    (void)function;
    if (phase == kIdle) {
        std::fprintf(stderr, "%s:%u: assertion failed: %s\n", file, line, assertion);
        std::abort();
    }
    claim_the_report();
    int student = ends_with(file, kStudentFile) ? static_cast<int>(line) : student_line();
    Buffer error;
    error.put("assertion failed: ").put(assertion).add("", 1);
    report_error(error.data, student);
    _exit(1);
}

int main() {
    phase = kIdle;  // the student's globals are initialized
    Parser parser = {job_data, job_data + job_len};
    Json job;
    parser.value(job);
    cases = &field(job, "cases");
    if (cases->kind != Json::kArray) fail("the job's cases are not an array");

    // Deep recursion is the student's right, up to the memory limit: a big stack, with a wide
    // guard below it, so that an overflow is told from other bad accesses. Untouched, its pages
    // cost nothing.
    std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::size_t size = (stack_bytes + page - 1) / page * page;
    void* region = mmap(nullptr, size + kGuardBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (region == MAP_FAILED) fail("cannot map the stack");
    mprotect(region, kGuardBytes, PROT_NONE);
    stack_low = static_cast<char*>(region) + kGuardBytes;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstack(&attributes, stack_low, size);
    pthread_t worker;
    if (pthread_create(&worker, &attributes, work, nullptr) != 0) fail("cannot start the worker");
    pthread_join(worker, nullptr);
    flush_student_stdout();
    // The student's static destructors come after every report and cannot change a verdict:
    // they are not run.
    _exit(0);
}
