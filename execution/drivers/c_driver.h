/* What the student's solution.c sees before its first line (gcc -include c_driver.h): the usual
 * standard headers, ListNode and TreeNode, and the prototype of the function to write, so that a
 * definition of another type is a compile error at the student's own line. */
#ifndef PEERPREP_C_DRIVER_H
#define PEERPREP_C_DRIVER_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <assert.h>
#include <ctype.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ListNode {
    int val;
    struct ListNode* next;
};

struct TreeNode {
    int val;
    struct TreeNode* left;
    struct TreeNode* right;
};

/* The function of the question's signature, written by the student in solution.c. */
@PROTOTYPE@

#endif
