/* The trusted C driver: calls the student's function on each case, inside the sandbox.
 *
 * It speaks the protocol of python_driver.py. It reads the job (the signature and the cases'
 * inputs, never the expected outputs) as one JSON document on stdin, and reports on the file
 * descriptor given as --reports=N, one JSON object per line: "ready" (or "load_error"), then
 * "start" and "done" (or "error") per case. The student's prints go to stdout through a stream
 * that counts its bytes, so each case's report gives the stdout offsets it wrote between.
 *
 * The student's code is its own translation unit (solution.c); this file ends with the glue
 * generated from the question's signature (execution/languages/c.py): drv_run_case, which turns a
 * case's JSON input into C values, calls the function between drv_begin_case and drv_end_call,
 * and writes the result back as JSON. The student's function runs on a thread with a big stack;
 * a crash (SIGSEGV, SIGFPE, SIGBUS, SIGILL) while a case runs is reported as that case's error.
 * Every name here starts with drv_ (or Drv), away from the student's.
 */
#include "c_driver.h"

/* The driver's own work is small: built fast, it leaves the compile time to the student's code. */
#pragma GCC optimize("O0")

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define DRV_MAX_NODES 1000000
#define DRV_MAX_ITEMS 1000000
#define DRV_GUARD_BYTES ((size_t)1 << 20)
#define DRV_ALT_STACK_BYTES ((size_t)64 << 10)
#define DRV_OOM_MARKER "peerprep-c-driver: out of memory"

static int drv_reports_fd = -1;
static size_t drv_stack_bytes = (size_t)256 << 20;
static char* drv_stack_low; /* the lowest usable byte of the worker's stack */

/* The case in flight, for the signal handler and the exit hook. */
static volatile sig_atomic_t drv_case = -1;
static volatile sig_atomic_t drv_phase; /* 0: none, 1: the student's call, 2: reading the result */
static struct timespec drv_started;
static volatile double drv_call_ms;
static volatile size_t drv_stdout_written;
static size_t drv_out_before;

static void drv_out_of_memory(void);

/* Memory ---------------------------------------------------------------------------------- */

static void* drv_malloc(size_t size) {
    void* data = malloc(size ? size : 1);
    if (data == NULL) drv_out_of_memory();
    return data;
}

static void* drv_calloc(size_t count, size_t size) {
    void* data = calloc(count ? count : 1, size ? size : 1);
    if (data == NULL) drv_out_of_memory();
    return data;
}

static void* drv_realloc(void* data, size_t size) {
    data = realloc(data, size ? size : 1);
    if (data == NULL) drv_out_of_memory();
    return data;
}

/* A growing byte buffer ------------------------------------------------------------------- */

typedef struct {
    char* data;
    size_t len;
    size_t cap;
} DrvBuf;

static void drv_buf_add(DrvBuf* buf, const char* data, size_t len) {
    if (buf->len + len + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 256;
        while (buf->len + len + 1 > cap) cap *= 2;
        buf->data = drv_realloc(buf->data, cap);
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

static void drv_buf_str(DrvBuf* buf, const char* text) { drv_buf_add(buf, text, strlen(text)); }

static void drv_buf_char(DrvBuf* buf, char c) { drv_buf_add(buf, &c, 1); }

static void drv_buf_fmt(DrvBuf* buf, const char* format, ...) {
    char small[128];
    va_list args;
    va_start(args, format);
    int len = vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (len < 0) return;
    if ((size_t)len < sizeof small) {
        drv_buf_add(buf, small, (size_t)len);
        return;
    }
    char* big = drv_malloc((size_t)len + 1);
    va_start(args, format);
    vsnprintf(big, (size_t)len + 1, format, args);
    va_end(args);
    drv_buf_add(buf, big, (size_t)len);
    free(big);
}

/* JSON values: a reader for the job, writers for the reports -------------------------------- */

typedef enum { DRV_NULL, DRV_BOOL, DRV_NUMBER, DRV_STRING, DRV_ARRAY, DRV_OBJECT } DrvKind;

typedef struct DrvJson {
    DrvKind kind;
    bool boolean;
    long long integer;
    double number;
    char* string; /* strings, NUL-terminated; also the keys of objects */
    size_t string_len;
    int len; /* arrays and objects */
    struct DrvJson** items;
    char** keys;
} DrvJson;

typedef struct {
    const char* at;
    const char* end;
} DrvParser;

static void drv_fail(const char* why) {
    fprintf(stderr, "peerprep-c-driver: %s\n", why);
    _exit(2);
}

static void drv_skip_space(DrvParser* p) {
    while (p->at < p->end && (*p->at == ' ' || *p->at == '\n' || *p->at == '\r' || *p->at == '\t'))
        p->at++;
}

static void drv_utf8(DrvBuf* buf, unsigned long code) {
    char bytes[4];
    if (code < 0x80) {
        bytes[0] = (char)code;
        drv_buf_add(buf, bytes, 1);
    } else if (code < 0x800) {
        bytes[0] = (char)(0xC0 | (code >> 6));
        bytes[1] = (char)(0x80 | (code & 0x3F));
        drv_buf_add(buf, bytes, 2);
    } else if (code < 0x10000) {
        bytes[0] = (char)(0xE0 | (code >> 12));
        bytes[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        bytes[2] = (char)(0x80 | (code & 0x3F));
        drv_buf_add(buf, bytes, 3);
    } else {
        bytes[0] = (char)(0xF0 | (code >> 18));
        bytes[1] = (char)(0x80 | ((code >> 12) & 0x3F));
        bytes[2] = (char)(0x80 | ((code >> 6) & 0x3F));
        bytes[3] = (char)(0x80 | (code & 0x3F));
        drv_buf_add(buf, bytes, 4);
    }
}

static long drv_hex4(DrvParser* p) {
    if (p->end - p->at < 4) drv_fail("bad \\u escape in the job");
    long code = 0;
    for (int k = 0; k < 4; k++) {
        char c = *p->at++;
        code <<= 4;
        if (c >= '0' && c <= '9') code |= c - '0';
        else if (c >= 'a' && c <= 'f') code |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') code |= c - 'A' + 10;
        else drv_fail("bad \\u escape in the job");
    }
    return code;
}

static char* drv_parse_string(DrvParser* p, size_t* out_len) {
    DrvBuf buf = {0};
    drv_buf_add(&buf, "", 0);
    p->at++; /* the opening quote */
    while (p->at < p->end && *p->at != '"') {
        char c = *p->at++;
        if (c != '\\') {
            drv_buf_char(&buf, c);
            continue;
        }
        if (p->at >= p->end) break;
        c = *p->at++;
        switch (c) {
            case 'n': drv_buf_char(&buf, '\n'); break;
            case 't': drv_buf_char(&buf, '\t'); break;
            case 'r': drv_buf_char(&buf, '\r'); break;
            case 'b': drv_buf_char(&buf, '\b'); break;
            case 'f': drv_buf_char(&buf, '\f'); break;
            case 'u': {
                long code = drv_hex4(p);
                if (code >= 0xD800 && code < 0xDC00 && p->end - p->at >= 6 && p->at[0] == '\\' &&
                    p->at[1] == 'u') {
                    DrvParser look = {p->at + 2, p->end};
                    long low = drv_hex4(&look);
                    if (low >= 0xDC00 && low < 0xE000) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        p->at = look.at;
                    }
                }
                if (code >= 0xD800 && code < 0xE000) code = 0xFFFD; /* a lone surrogate */
                drv_utf8(&buf, (unsigned long)code);
                break;
            }
            default: drv_buf_char(&buf, c); /* " \ / */
        }
    }
    if (p->at >= p->end) drv_fail("unterminated string in the job");
    p->at++; /* the closing quote */
    *out_len = buf.len;
    return buf.data;
}

static DrvJson* drv_parse_value(DrvParser* p) {
    drv_skip_space(p);
    if (p->at >= p->end) drv_fail("the job ends too soon");
    DrvJson* value = drv_calloc(1, sizeof *value);
    char c = *p->at;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        value->kind = c == '{' ? DRV_OBJECT : DRV_ARRAY;
        p->at++;
        int cap = 0;
        drv_skip_space(p);
        if (p->at < p->end && *p->at == close) {
            p->at++;
            return value;
        }
        for (;;) {
            if (value->len == cap) {
                cap = cap ? cap * 2 : 4;
                value->items = drv_realloc(value->items, sizeof *value->items * (size_t)cap);
                if (value->kind == DRV_OBJECT)
                    value->keys = drv_realloc(value->keys, sizeof *value->keys * (size_t)cap);
            }
            if (value->kind == DRV_OBJECT) {
                drv_skip_space(p);
                if (p->at >= p->end || *p->at != '"') drv_fail("an object key expected in the job");
                size_t len;
                value->keys[value->len] = drv_parse_string(p, &len);
                drv_skip_space(p);
                if (p->at >= p->end || *p->at != ':') drv_fail("':' expected in the job");
                p->at++;
            }
            value->items[value->len++] = drv_parse_value(p);
            drv_skip_space(p);
            if (p->at < p->end && *p->at == ',') {
                p->at++;
                continue;
            }
            if (p->at < p->end && *p->at == close) {
                p->at++;
                return value;
            }
            drv_fail("',' or a closing bracket expected in the job");
        }
    }
    if (c == '"') {
        value->kind = DRV_STRING;
        value->string = drv_parse_string(p, &value->string_len);
        return value;
    }
    if (p->end - p->at >= 4 && memcmp(p->at, "true", 4) == 0) {
        value->kind = DRV_BOOL;
        value->boolean = true;
        p->at += 4;
        return value;
    }
    if (p->end - p->at >= 5 && memcmp(p->at, "false", 5) == 0) {
        value->kind = DRV_BOOL;
        p->at += 5;
        return value;
    }
    if (p->end - p->at >= 4 && memcmp(p->at, "null", 4) == 0) {
        value->kind = DRV_NULL;
        p->at += 4;
        return value;
    }
    const char* start = p->at;
    bool integral = true;
    while (p->at < p->end && strchr("+-0123456789.eE", *p->at) != NULL) {
        if (*p->at == '.' || *p->at == 'e' || *p->at == 'E') integral = false;
        p->at++;
    }
    if (p->at == start) drv_fail("a value expected in the job");
    char text[64];
    size_t len = (size_t)(p->at - start);
    if (len >= sizeof text) drv_fail("a number too long in the job");
    memcpy(text, start, len);
    text[len] = '\0';
    value->kind = DRV_NUMBER;
    value->number = strtod(text, NULL);
    value->integer = integral ? strtoll(text, NULL, 10) : (long long)value->number;
    return value;
}

static const DrvJson* drv_field(const DrvJson* object, const char* key) {
    if (object == NULL || object->kind != DRV_OBJECT) drv_fail("an object expected in the job");
    for (int k = 0; k < object->len; k++)
        if (strcmp(object->keys[k], key) == 0) return object->items[k];
    fprintf(stderr, "peerprep-c-driver: no %s in the job\n", key);
    _exit(2);
}

static const DrvJson* drv_array(const DrvJson* value) {
    if (value->kind != DRV_ARRAY) drv_fail("an array expected in the job");
    return value;
}

/* The job's values as C values ------------------------------------------------------------ */

static int drv_to_int(const DrvJson* value) { return (int)value->integer; }

static long long drv_to_long(const DrvJson* value) { return value->integer; }

static double drv_to_double(const DrvJson* value) { return value->number; }

static bool drv_to_bool(const DrvJson* value) { return value->boolean; }

static char* drv_to_string(const DrvJson* value) {
    if (value->kind != DRV_STRING) drv_fail("a string expected in the job");
    char* text = drv_malloc(value->string_len + 1);
    memcpy(text, value->string, value->string_len + 1);
    return text;
}

static struct ListNode* drv_to_ListNode(const DrvJson* value) {
    drv_array(value);
    struct ListNode* head = NULL;
    for (int k = value->len - 1; k >= 0; k--) {
        struct ListNode* node = drv_malloc(sizeof *node);
        node->val = (int)value->items[k]->integer;
        node->next = head;
        head = node;
    }
    return head;
}

static struct TreeNode* drv_new_tree_node(const DrvJson* value) {
    struct TreeNode* node = drv_malloc(sizeof *node);
    node->val = (int)value->integer;
    node->left = node->right = NULL;
    return node;
}

static struct TreeNode* drv_to_TreeNode(const DrvJson* value) {
    drv_array(value);
    if (value->len == 0 || value->items[0]->kind == DRV_NULL) return NULL;
    struct TreeNode** waiting = drv_malloc(sizeof *waiting * (size_t)value->len);
    int head = 0, tail = 0, index = 1;
    struct TreeNode* root = drv_new_tree_node(value->items[0]);
    waiting[tail++] = root;
    while (head < tail && index < value->len) {
        struct TreeNode* node = waiting[head++];
        for (int side = 0; side < 2; side++, index++) {
            if (index >= value->len || value->items[index]->kind == DRV_NULL) continue;
            struct TreeNode* child = drv_new_tree_node(value->items[index]);
            if (side == 0) node->left = child;
            else node->right = child;
            waiting[tail++] = child;
        }
    }
    free(waiting);
    return root;
}

/* The result as JSON: each writer stops at the first value that is not of the return type --- */

typedef struct {
    DrvBuf json;
    char invalid[300]; /* why the result is not of the return type, or "" */
} DrvOut;

static bool drv_ok(const DrvOut* out) { return out->invalid[0] == '\0'; }

static void drv_invalid(DrvOut* out, const char* format, ...) {
    if (!drv_ok(out)) return;
    va_list args;
    va_start(args, format);
    vsnprintf(out->invalid, sizeof out->invalid, format, args);
    va_end(args);
}

static void drv_json_string(DrvBuf* buf, const char* text, size_t len) {
    const unsigned char* s = (const unsigned char*)text;
    drv_buf_char(buf, '"');
    size_t k = 0;
    while (k < len) {
        unsigned char c = s[k];
        if (c == '"' || c == '\\') {
            drv_buf_char(buf, '\\');
            drv_buf_char(buf, (char)c);
            k++;
            continue;
        }
        if (c < 0x20) {
            drv_buf_fmt(buf, "\\u%04x", c);
            k++;
            continue;
        }
        if (c < 0x80) {
            drv_buf_char(buf, (char)c);
            k++;
            continue;
        }
        /* Strict UTF-8, as Python decodes the reports: anything else is U+FFFD. */
        size_t need = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) need = 2, low = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) need = 2, high = 0x9F;
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) need = 3, low = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) need = 3, high = 0x8F;
        bool valid = need > 0 && k + need < len;
        for (size_t m = 1; valid && m <= need; m++) {
            unsigned char next = s[k + m];
            if (next < (m == 1 ? low : 0x80) || next > (m == 1 ? high : 0xBF)) valid = false;
        }
        if (valid) {
            drv_buf_add(buf, text + k, need + 1);
            k += need + 1;
        } else {
            drv_buf_str(buf, "\\ufffd");
            k++;
        }
    }
    drv_buf_char(buf, '"');
}

static void drv_write_int(DrvOut* out, long long value) {
    if (drv_ok(out)) drv_buf_fmt(&out->json, "%lld", value);
}

static void drv_write_long(DrvOut* out, long long value) { drv_write_int(out, value); }

static void drv_write_double(DrvOut* out, double value) {
    if (!drv_ok(out)) return;
    if (isnan(value)) {
        drv_buf_str(&out->json, "NaN"); /* as Python writes it; never equal to an answer */
        return;
    }
    if (isinf(value)) {
        drv_buf_str(&out->json, value > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char text[40];
    snprintf(text, sizeof text, "%.15g", value);
    if (strtod(text, NULL) != value) snprintf(text, sizeof text, "%.17g", value);
    drv_buf_str(&out->json, text);
    if (strpbrk(text, ".e") == NULL) drv_buf_str(&out->json, ".0");
}

static void drv_write_bool(DrvOut* out, bool value) {
    if (drv_ok(out)) drv_buf_str(&out->json, value ? "true" : "false");
}

static void drv_write_string(DrvOut* out, const char* value) {
    if (!drv_ok(out)) return;
    if (value == NULL) {
        drv_invalid(out, "returned NULL, expected a string");
        return;
    }
    drv_json_string(&out->json, value, strlen(value));
}

static void drv_write_ListNode(DrvOut* out, const struct ListNode* node) {
    if (!drv_ok(out)) return;
    drv_buf_char(&out->json, '[');
    for (long count = 0; node != NULL; count++, node = node->next) {
        if (count >= DRV_MAX_NODES) {
            drv_invalid(out, "the returned list never ends (a cycle?)");
            return;
        }
        if (count) drv_buf_char(&out->json, ',');
        drv_buf_fmt(&out->json, "%d", node->val);
    }
    drv_buf_char(&out->json, ']');
}

static void drv_write_TreeNode(DrvOut* out, const struct TreeNode* root) {
    if (!drv_ok(out)) return;
    drv_buf_char(&out->json, '[');
    if (root != NULL) {
        size_t cap = 64, head = 0, tail = 0, last = 0; /* last: the items to keep, up to a node */
        const struct TreeNode** waiting = drv_malloc(sizeof *waiting * cap);
        DrvBuf items = {0};
        size_t* ends = drv_malloc(sizeof *ends * cap); /* items.len after each item */
        waiting[tail++] = root;
        while (head < tail) {
            const struct TreeNode* node = waiting[head];
            if (head) drv_buf_char(&items, ',');
            if (node == NULL) {
                drv_buf_str(&items, "null");
            } else {
                drv_buf_fmt(&items, "%d", node->val);
                last = head + 1;
                if (tail + 2 > cap) {
                    if (tail >= 2 * (size_t)DRV_MAX_NODES + 1) {
                        drv_invalid(out, "the returned tree never ends (a cycle?)");
                        break;
                    }
                    cap *= 2;
                    waiting = drv_realloc(waiting, sizeof *waiting * cap);
                    ends = drv_realloc(ends, sizeof *ends * cap);
                }
                waiting[tail++] = node->left;
                waiting[tail++] = node->right;
            }
            ends[head++] = items.len;
        }
        if (drv_ok(out) && last > 0) drv_buf_add(&out->json, items.data, ends[last - 1]);
        free(waiting);
        free(ends);
        free(items.data);
        if (!drv_ok(out)) return;
    }
    drv_buf_char(&out->json, ']');
}

/* A list of `size` items at `items`: true when the items may be read. */
static bool drv_check_list(DrvOut* out, const void* items, long long size, const char* what) {
    if (!drv_ok(out)) return false;
    if (size == -1) {
        drv_invalid(out, "%s was not set", what);
        return false;
    }
    if (size < 0 || size > DRV_MAX_ITEMS) {
        drv_invalid(out, "%s is %lld, not a length (0 to %d)", what, size, DRV_MAX_ITEMS);
        return false;
    }
    if (size > 0 && items == NULL) {
        drv_invalid(out, "returned NULL with %s = %lld", what, size);
        return false;
    }
    return true;
}

/* Reports --------------------------------------------------------------------------------- */

static void drv_write_all(int fd, const char* data, size_t len) {
    while (len > 0) {
        ssize_t sent = write(fd, data, len);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += sent;
        len -= (size_t)sent;
    }
}

static void drv_report(DrvBuf* line) {
    drv_buf_char(line, '\n');
    drv_write_all(drv_reports_fd, line->data, line->len);
    free(line->data);
    line->data = NULL;
    line->len = line->cap = 0;
}

static double drv_ms_since(const struct timespec* start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1000.0 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void drv_load_error(const char* error) {
    DrvBuf line = {0};
    drv_buf_str(&line, "{\"event\": \"load_error\", \"kind\": \"runtime\", \"error\": ");
    drv_json_string(&line, error, strlen(error));
    drv_buf_str(&line, ", \"line\": null}");
    drv_report(&line);
}

/* The student's stdout: written through at once (unbuffered), counted in bytes. */
static ssize_t drv_stdout_write(void* cookie, const char* data, size_t len) {
    (void)cookie;
    drv_write_all(1, data, len);
    drv_stdout_written += len;
    return (ssize_t)len;
}

static void drv_begin_case(int index) {
    fflush(stdout);
    drv_out_before = drv_stdout_written;
    DrvBuf line = {0};
    drv_buf_fmt(&line, "{\"event\": \"start\", \"case\": %d}", index);
    drv_report(&line);
    drv_case = index;
    drv_phase = 1;
    clock_gettime(CLOCK_MONOTONIC, &drv_started);
}

static void drv_end_call(void) {
    drv_call_ms = drv_ms_since(&drv_started);
    fflush(stdout);
    drv_phase = 2;
}

static void drv_finish_case(int index, DrvOut* out) {
    DrvBuf line = {0};
    drv_buf_fmt(&line, "{\"event\": \"done\", \"case\": %d, \"ms\": %.3f, ", index, drv_call_ms);
    if (drv_ok(out)) {
        drv_buf_str(&line, "\"output\": ");
        drv_buf_add(&line, out->json.data ? out->json.data : "null", out->json.data ? out->json.len : 4);
    } else {
        drv_buf_str(&line, "\"invalid\": ");
        drv_json_string(&line, out->invalid, strlen(out->invalid));
    }
    drv_buf_fmt(&line, ", \"out\": [%zu, %zu]}", drv_out_before, (size_t)drv_stdout_written);
    free(out->json.data);
    drv_phase = 0;
    drv_case = -1;
    drv_report(&line);
}

static void drv_out_of_memory(void) {
    static const char marker[] = DRV_OOM_MARKER "\n";
    if (drv_case >= 0) {
        char text[200];
        int len = snprintf(text, sizeof text,
                           "{\"event\": \"error\", \"case\": %d, \"ms\": %.3f, \"limit\": \"memory\", "
                           "\"error\": \"out of memory\", \"out\": [%zu, %zu]}\n",
                           (int)drv_case, drv_ms_since(&drv_started), drv_out_before,
                           (size_t)drv_stdout_written);
        if (len > 0) drv_write_all(drv_reports_fd, text, (size_t)len);
    }
    drv_write_all(2, marker, sizeof marker - 1);
    _exit(1);
}

/* Crashes and exits during a case --------------------------------------------------------- */

/* Async-signal-safe text: the handler may not call printf. */
static char* drv_put(char* at, const char* text) {
    while (*text) *at++ = *text++;
    return at;
}

static char* drv_put_number(char* at, unsigned long long value) {
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (count) *at++ = digits[--count];
    return at;
}

static void drv_report_crash(const char* error) {
    char line[1024];
    char* at = line;
    double ms = drv_phase == 2 ? drv_call_ms : drv_ms_since(&drv_started);
    unsigned long long micros = ms > 0 ? (unsigned long long)(ms * 1000.0) : 0;
    at = drv_put(at, "{\"event\": \"error\", \"case\": ");
    at = drv_put_number(at, (unsigned long long)drv_case);
    at = drv_put(at, ", \"ms\": ");
    at = drv_put_number(at, micros / 1000);
    at = drv_put(at, ".");
    *at++ = (char)('0' + micros / 100 % 10);
    *at++ = (char)('0' + micros / 10 % 10);
    *at++ = (char)('0' + micros % 10);
    at = drv_put(at, ", \"error\": \"");
    at = drv_put(at, error); /* a constant of this file: nothing to escape */
    if (drv_phase == 2)
        at = drv_put(at, ", while the driver read the returned value (check its pointers and sizes)");
    at = drv_put(at, "\", \"line\": null, \"out\": [");
    at = drv_put_number(at, drv_out_before);
    at = drv_put(at, ", ");
    at = drv_put_number(at, drv_stdout_written);
    at = drv_put(at, "]}\n");
    drv_write_all(drv_reports_fd, line, (size_t)(at - line));
}

static void drv_on_signal(int signal_number, siginfo_t* info, void* context) {
    (void)context;
    if (drv_case < 0) {
        /* Not the student's code: die of it as the signal would have it. */
        signal(signal_number, SIG_DFL);
        raise(signal_number);
        return;
    }
    const char* error = "killed by a signal";
    char* address = info ? (char*)info->si_addr : NULL;
    switch (signal_number) {
        case SIGSEGV:
            if (drv_stack_low != NULL && address >= drv_stack_low - DRV_GUARD_BYTES - 4096 &&
                address < drv_stack_low + 4096)
                error = "Segmentation fault (SIGSEGV): stack overflow (recursion too deep?)";
            else if (address != NULL && (uintptr_t)address < 4096)
                error = "Segmentation fault (SIGSEGV): a NULL pointer dereferenced";
            else
                error = "Segmentation fault (SIGSEGV): a bad memory access (an index out of range, "
                        "a freed or uninitialized pointer?)";
            break;
        case SIGFPE:
            error = info && info->si_code == FPE_INTDIV
                        ? "Floating point exception (SIGFPE): integer division by zero (or INT_MIN / -1)"
                        : "Floating point exception (SIGFPE)";
            break;
        case SIGBUS: error = "Bus error (SIGBUS): a bad memory access"; break;
        case SIGILL:
            /* gcc plants a trap where it proves the code undefined: x / 0 with a constant 0... */
            error = "Illegal instruction (SIGILL): code the compiler found undefined (a division "
                    "by zero, a NULL dereference?)";
            break;
    }
    drv_report_crash(error);
    _exit(1);
}

static void drv_on_exit(int status, void* unused) {
    (void)unused;
    if (drv_case < 0) return;
    fflush(stdout);
    char error[96] = "the program ended during the case: exit(";
    char* at = error + strlen(error);
    if (status < 0) {
        *at++ = '-';
        at = drv_put_number(at, (unsigned long long)(-(long long)status));
    } else {
        at = drv_put_number(at, (unsigned long long)status);
    }
    at = drv_put(at, ") was called");
    *at = '\0';
    drv_report_crash(error);
}

/* The run --------------------------------------------------------------------------------- */

static bool drv_has_function(void);
static void drv_run_case(int index, const DrvJson* input);

static const DrvJson* drv_cases;

static void* drv_work(void* unused) {
    (void)unused;
    stack_t alternate = {.ss_sp = drv_malloc(DRV_ALT_STACK_BYTES), .ss_size = DRV_ALT_STACK_BYTES};
    sigaltstack(&alternate, NULL);
    if (!drv_has_function()) return NULL;
    DrvBuf line = {0};
    drv_buf_str(&line, "{\"event\": \"ready\"}");
    drv_report(&line);
    for (int index = 0; index < drv_cases->len; index++) drv_run_case(index, drv_cases->items[index]);
    return NULL;
}

int main(int argc, char** argv) {
    for (int k = 1; k < argc; k++) {
        if (strncmp(argv[k], "--reports=", 10) == 0) drv_reports_fd = atoi(argv[k] + 10);
        if (strncmp(argv[k], "--stack-mb=", 11) == 0)
            drv_stack_bytes = (size_t)strtoul(argv[k] + 11, NULL, 10) << 20;
    }
    if (drv_reports_fd < 0) drv_fail("no --reports=N");
    /* A student's print must never reach the reports: the descriptor is closed to them. */
    fcntl(drv_reports_fd, F_SETFD, FD_CLOEXEC);
    if (drv_stack_bytes < ((size_t)8 << 20)) drv_stack_bytes = (size_t)8 << 20;

    DrvBuf input = {0};
    char chunk[65536];
    for (;;) {
        ssize_t got = read(0, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        drv_buf_add(&input, chunk, (size_t)got);
    }
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        close(null_fd);
    }
    DrvParser parser = {input.data ? input.data : "", input.data ? input.data + input.len : ""};
    const DrvJson* job = drv_parse_value(&parser);
    drv_cases = drv_array(drv_field(job, "cases"));

    cookie_io_functions_t counting = {.write = drv_stdout_write};
    FILE* student_stdout = fopencookie(NULL, "w", counting);
    if (student_stdout == NULL) drv_fail("cannot open the counting stdout");
    setvbuf(student_stdout, NULL, _IONBF, 0);
    stdout = student_stdout;
    on_exit(drv_on_exit, NULL);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = drv_on_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGFPE, &action, NULL);
    sigaction(SIGBUS, &action, NULL);
    sigaction(SIGILL, &action, NULL);

    /* Deep recursion is the student's right, up to the memory limit: a big stack, with a wide
     * guard below it, so that an overflow is told from other bad accesses. Untouched, its pages
     * cost nothing. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (drv_stack_bytes + page - 1) / page * page;
    char* region = mmap(NULL, size + DRV_GUARD_BYTES, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (region == MAP_FAILED) drv_fail("cannot map the stack");
    mprotect(region, DRV_GUARD_BYTES, PROT_NONE);
    drv_stack_low = region + DRV_GUARD_BYTES;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstack(&attributes, drv_stack_low, size);
    pthread_t worker;
    if (pthread_create(&worker, &attributes, drv_work, NULL) != 0) drv_fail("cannot start the worker");
    pthread_join(worker, NULL);
    drv_case = -1;
    fflush(stdout);
    return 0;
}

/* The glue for the question's signature follows. */
