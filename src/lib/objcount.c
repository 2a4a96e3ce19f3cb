/* The object counts of <sluice/objcount.h>. */
#include <sluice/objcount.h>

long objcounts[OBJ_NR];
