// The signature's types from and to JSON, in the student's unit: templates, so only the types of
// the question's signature are ever built (int, long long, double, bool, std::string, vectors
// of them one or two deep, ListNode*, TreeNode*). The prelude includes this before the
// student's first line: no macro of theirs reaches it.
#ifndef PEERPREP_CPP_DRIVER_VALUES_HPP
#define PEERPREP_CPP_DRIVER_VALUES_HPP

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "cpp_driver_api.hpp"

namespace peerprep {

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class T>
void read(const Json& json, T& value) {
    if constexpr (IsVector<T>::value) {
        value.clear();
        value.reserve(json.len);
        for (std::size_t k = 0; k < json.len; k++) {
            typename T::value_type item{};
            read(json.items[k], item);
            value.push_back(std::move(item));
        }
    } else if constexpr (std::is_same_v<T, bool>) {
        value = json.boolean;
    } else if constexpr (std::is_integral_v<T>) {
        value = static_cast<T>(json.integer);
    } else if constexpr (std::is_same_v<T, double>) {
        value = json.number;
    } else if constexpr (std::is_same_v<T, std::string>) {
        value.assign(json.text, json.text_len);
    } else if constexpr (std::is_same_v<T, ListNode*>) {
        value = nullptr;
        for (std::size_t k = json.len; k-- > 0;)
            value = new ListNode(static_cast<int>(json.items[k].integer), value);
    } else {
        static_assert(std::is_same_v<T, TreeNode*>);
        // Level order: each node listed takes the next two entries as its children.
        value = nullptr;
        if (json.len == 0 || json.items[0].kind == Json::kNull) return;
        value = new TreeNode(static_cast<int>(json.items[0].integer));
        std::vector<TreeNode*> waiting{value};
        std::size_t next = 1;
        for (std::size_t head = 0; head < waiting.size() && next < json.len; head++) {
            for (TreeNode** child : {&waiting[head]->left, &waiting[head]->right}) {
                if (next < json.len && json.items[next].kind != Json::kNull) {
                    *child = new TreeNode(static_cast<int>(json.items[next].integer));
                    waiting.push_back(*child);
                }
                next++;
            }
        }
    }
}

// The most nodes a returned list or tree may have: more is taken for a cycle.
constexpr std::size_t kMaxNodes = 1000000;

struct Output {
    std::string json;
    const char* invalid = nullptr;  // why the result cannot be written
};

inline void put_double(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";  // as Python writes it; never equal to an answer
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
        return;
    }
    char text[40];
    std::snprintf(text, sizeof text, "%.15g", value);
    if (std::strtod(text, nullptr) != value) std::snprintf(text, sizeof text, "%.17g", value);
    out += text;
    if (std::strpbrk(text, ".e") == nullptr) out += ".0";
}

inline void put_list(Output& out, const ListNode* node) {
    out.json += '[';
    for (std::size_t count = 0; node != nullptr; count++, node = node->next) {
        if (count >= kMaxNodes) {
            out.invalid = "the returned list never ends (a cycle?)";
            return;
        }
        if (count > 0) out.json += ',';
        out.json += std::to_string(node->val);
    }
    out.json += ']';
}

// Level order, without the trailing nulls.
inline void put_tree(Output& out, const TreeNode* root) {
    std::vector<const TreeNode*> waiting;
    std::string items;
    std::size_t kept = 0;  // items' length up to the last node
    if (root != nullptr) waiting.push_back(root);
    for (std::size_t head = 0; head < waiting.size(); head++) {
        const TreeNode* node = waiting[head];
        if (head > 0) items += ',';
        if (node == nullptr) {
            items += "null";
            continue;
        }
        if (waiting.size() >= 2 * kMaxNodes + 1) {
            out.invalid = "the returned tree never ends (a cycle?)";
            return;
        }
        items += std::to_string(node->val);
        kept = items.size();
        waiting.push_back(node->left);
        waiting.push_back(node->right);
    }
    out.json += '[';
    out.json.append(items, 0, kept);
    out.json += ']';
}

template <class T>
void put(Output& out, const T& value) {
    if (out.invalid != nullptr) return;
    if constexpr (IsVector<T>::value) {
        out.json += '[';
        for (std::size_t k = 0; k < value.size() && out.invalid == nullptr; k++) {
            if (k > 0) out.json += ',';
            put<typename T::value_type>(out, value[k]);
        }
        out.json += ']';
    } else if constexpr (std::is_same_v<T, bool>) {
        out.json += value ? "true" : "false";
    } else if constexpr (std::is_integral_v<T>) {
        out.json += std::to_string(value);
    } else if constexpr (std::is_same_v<T, double>) {
        put_double(out.json, value);
    } else if constexpr (std::is_same_v<T, std::string>) {
        std::size_t at = out.json.size();
        out.json.resize(at + 6 * value.size() + 2);
        out.json.resize(at + escape(value.data(), value.size(), &out.json[at]));
    } else if constexpr (std::is_same_v<T, ListNode*>) {
        put_list(out, value);
    } else {
        static_assert(std::is_same_v<T, TreeNode*>);
        put_tree(out, value);
    }
}

template <class T>
void write(const T& value) {
    begin_result();
    Output out;
    put<T>(out, value);
    end_result(out.json.data(), out.json.size(), out.invalid);
}

}  // namespace peerprep

#endif
