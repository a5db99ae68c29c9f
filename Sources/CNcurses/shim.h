#ifndef ASTER_CNCURSES_SHIM_H
#define ASTER_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <ncurses.h>
#include <term.h>

/* Read C globals and macros through functions so Swift 6 never touches global mutable state. */
static inline WINDOW *aster_stdscr(void) { return stdscr; }
static inline int aster_lines(void) { return LINES; }
static inline int aster_cols(void) { return COLS; }
static inline int aster_colors(void) { return COLORS; }
static inline int aster_color_pair(int n) { return COLOR_PAIR(n); }
static inline int aster_key_resize(void) { return KEY_RESIZE; }
static inline int aster_key_mouse(void) { return KEY_MOUSE; }
static inline int aster_a_bold(void) { return A_BOLD; }
static inline int aster_a_reverse(void) { return A_REVERSE; }
static inline int aster_a_dim(void) { return A_DIM; }
static inline int aster_err(void) { return ERR; }

/* Sets the locale from the environment; returns 1 when the character set is UTF-8. */
static inline int aster_set_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* Enables left clicks; returns 1 on success. */
static inline int aster_enable_mouse(void) {
    mouseinterval(0);
    return mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL) != 0;
}

/* Reads a pending mouse event: fills x, y and returns 1 for a left press or click. */
static inline int aster_read_click(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    if (!(event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) return 0;
    *x = event.x;
    *y = event.y;
    return 1;
}

/* On a crash signal, restore the terminal before the process dies. */
static void aster_crash_handler(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline void aster_install_crash_restore(void) {
    signal(SIGSEGV, aster_crash_handler);
    signal(SIGBUS, aster_crash_handler);
    signal(SIGILL, aster_crash_handler);
    signal(SIGTRAP, aster_crash_handler);
    signal(SIGABRT, aster_crash_handler);
    signal(SIGFPE, aster_crash_handler);
}

/* Looks TERM up in the terminal database without starting the screen (initscr would print
   "Error opening terminal" and exit): 0 usable, 1 unknown, 2 cannot position the cursor. */
static inline int aster_terminfo_status(const char *term) {
    int err = 0;
    if (setupterm((char *)term, 1, &err) != OK) return 1;
    char *cup = tigetstr("cup");
    int usable = cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0 && tigetflag("gn") <= 0;
    del_curterm(cur_term);
    return usable ? 0 : 2;
}
#endif
