/*
 * The data object that programs built with libnetfilter_conntrack_ext.h
 * reference (see the header): it exists so that the loader, not the
 * first extension call, tells a program started on the original library
 * that it needs this one. Its text says the same to someone who reads
 * the library's strings.
 */
#include "ext_internal.h"

NFCT_EXPORT const char nfct_ext_needs_libnetfilter_conntrack_with_extensions[] =
	"programs using libnetfilter_conntrack_ext.h need this "
	"libnetfilter_conntrack, not the original";
