/* Smoke test: the framework itself (a few adds, a pass). */
#include "rvtest.h"
RVTEST_BEGIN
    TEST_RR_OP(1, add, 3, 1, 2)
    TEST_IMM_OP(2, addi, -1, 0, -1)
RVTEST_END
