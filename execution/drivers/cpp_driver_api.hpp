// What the two units of a C++ run share: the student's (solution.cpp, with the prelude
// cpp_driver.hpp before it and the glue generated for the question's signature in that prelude)
// and the driver's (cpp_driver.cpp). ListNode and TreeNode are LeetCode's; the rest, in
// namespace peerprep, is plain data and functions, so that the driver's unit needs none of the
// standard library's heavy headers and builds in a fraction of a second.
#ifndef PEERPREP_CPP_DRIVER_API_HPP
#define PEERPREP_CPP_DRIVER_API_HPP

#include <cstddef>

struct ListNode {
    int val;
    ListNode* next;
    ListNode() : val(0), next(nullptr) {}
    ListNode(int x) : val(x), next(nullptr) {}
    ListNode(int x, ListNode* next) : val(x), next(next) {}
};

struct TreeNode {
    int val;
    TreeNode* left;
    TreeNode* right;
    TreeNode() : val(0), left(nullptr), right(nullptr) {}
    TreeNode(int x) : val(x), left(nullptr), right(nullptr) {}
    TreeNode(int x, TreeNode* left, TreeNode* right) : val(x), left(left), right(right) {}
};

namespace peerprep {

// One value of the job, as the driver parsed it.
struct Json {
    enum Kind : unsigned char { kNull, kBool, kNumber, kString, kArray, kObject };
    Kind kind;
    bool boolean;
    long long integer;
    double number;
    const char* text;  // a string's bytes (not NUL-terminated when they hold a NUL)
    std::size_t text_len;
    const Json* items;  // an array's items, an object's values
    const char* const* keys;  // an object's keys
    std::size_t len;  // of items
};

// The case's argument of that (snake_case) name.
const Json& argument(const char* name);

// The case's arguments are read: the case is in flight, and what fails from here is its own.
void begin_case();
// The clock runs from begin_call to end_call: the student's call only.
void begin_call();
void end_call();
// The driver reads the returned value between these: a crash there is a bad pointer in it.
// The result is its JSON, or why it has none (``invalid`` not null).
void begin_result();
void end_result(const char* json, std::size_t len, const char* invalid);

// ``text`` as a JSON string, quotes included, into ``out`` (room for 6 * len + 2 bytes); bytes
// that are not UTF-8 become U+FFFD. Returns the length written.
std::size_t escape(const char* text, std::size_t len, char* out);

// In the student's unit: the glue's, generated for the signature (cpp_driver_call.hpp)...
void run_case();
// ...and std::cout's buffer flushed into stdout (a student may have unsynced it from stdio).
void flush_cout();

}  // namespace peerprep

#endif
