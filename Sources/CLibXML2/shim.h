#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and its headers then pull in the system's ICU, which clashes
   with the ICU copy inside Swift's Foundation. Nothing here needs ICU converters. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlreader.h>

/* Debian's libxml2 2.9 declares xmlFree as a mutable global function pointer, which Swift 6
   refuses to touch; calling it through a function keeps strict concurrency checking clean. */
static inline void cxml_free(void *p) { xmlFree(p); }
#endif
