// What the student's solution.cpp sees before its first line (g++ -include cpp_driver.hpp): the
// standard headers a LeetCode solution expects, `using namespace std;`, ListNode and TreeNode,
// and the glue generated for the question's signature. The glue names class Solution before the
// student defines it; its template is instantiated at the end of the unit, where Solution is
// complete, so a member function of another shape is an error that shows the one expected.
// <bits/stdc++.h> would double the time of every build: these are the usual headers.
#ifndef PEERPREP_CPP_DRIVER_HPP
#define PEERPREP_CPP_DRIVER_HPP

#include <algorithm>
#include <array>
#include <bitset>
#include <cassert>
#include <cctype>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <queue>
#include <set>
#include <sstream>
#include <stack>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cpp_driver_values.hpp"

class Solution;

#include "cpp_driver_call.hpp"

using namespace std;

#endif
