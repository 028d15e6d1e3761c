/*
 * librvisor.so: every object of the static library is linked in whole (see
 * CMakeLists.txt); this file only gives the shared target a source of its own.
 */
#include "rvisor.h"

RVISOR_API int rvisor_shared_library(void);
RVISOR_API int rvisor_shared_library(void)
{
    return 1;
}
