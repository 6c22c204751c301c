/* filter_dump.c: see src/meson.build for what belongs here. */
#include "internal.h"
