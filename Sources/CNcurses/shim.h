#ifndef ASTER_CNCURSES_SHIM_H
#define ASTER_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncurses.h>

/* Read C globals and macros through functions so Swift 6 never touches global mutable state. */
static inline WINDOW *aster_stdscr(void) { return stdscr; }
static inline int aster_lines(void) { return LINES; }
static inline int aster_cols(void) { return COLS; }
static inline int aster_colors(void) { return COLORS; }
static inline int aster_color_pair(int n) { return COLOR_PAIR(n); }
static inline int aster_key_resize(void) { return KEY_RESIZE; }
static inline void aster_set_locale(void) { setlocale(LC_ALL, ""); }
#endif
