/* Host build of the reference firmware: the protocol core and the crossbar model serve on a Linux
 * pseudo-terminal, as a microcontroller would on its UART. Prints the port path on the first line
 * of standard output; stops on SIGINT/SIGTERM, when standard input closes (if it is not
 * /dev/null), or when its parent exits.
 *   usage: mortalhil-fw-host [--serial S] [--link PATH]   */
#define _GNU_SOURCE
#include "../hal/crossbar_model.h"
#include "../src/mh_board.h"
#include "../src/mh_hal.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master_fd = -1, slave_fd = -1;
static struct timespec started;
static uint32_t answers_dropped;
static volatile sig_atomic_t stop;

static void on_signal(int s) { (void)s; stop = 1; }

uint64_t mh_hal_micros(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - started.tv_sec) * 1000000u + (uint64_t)((now.tv_nsec - started.tv_nsec) / 1000);
}

uint32_t mh_hal_answers_dropped(void) { return answers_dropped; }

/* After a second in which nobody read the line, throw away what waits unread (read back through
 * our own slave descriptor and counted frame by frame) and the rest of this write. */
static void drop_unread(const uint8_t *rest, size_t rest_length)
{
    int pending = 0;
    uint8_t scratch[4096];
    int in_block = 0;
    uint32_t blocks = 0;
    if (ioctl(slave_fd, FIONREAD, &pending) == 0)
        while (pending > 0) {
            ssize_t n = read(slave_fd, scratch, pending < (int)sizeof scratch ? (size_t)pending : sizeof scratch);
            if (n <= 0) break;
            for (ssize_t i = 0; i < n; i++) {
                if (scratch[i] != 0 && !in_block) blocks++;
                in_block = scratch[i] != 0;
            }
            pending -= (int)n;
        }
    tcflush(slave_fd, TCIFLUSH);
    /* The answer being written counts once: inside the last unread block if its head went out, else on its own. */
    (void)rest;
    if (rest_length > 0 && !in_block) blocks++;
    answers_dropped += blocks;
}

void mh_hal_write(const uint8_t *bytes, size_t count)
{
    size_t written = 0;
    uint64_t stalled_since = 0;
    while (written < count) {
        ssize_t n = write(master_fd, bytes + written, count - written);
        if (n > 0) { written += (size_t)n; stalled_since = 0; continue; }
        if (n < 0 && errno != EAGAIN && errno != EINTR) return;
        uint64_t now = mh_hal_micros();
        if (stalled_since == 0) stalled_since = now;
        else if (now - stalled_since > 1000000u) {
            /* The rest of this piece is dropped; later pieces of the same answer reach the host as
             * a broken block, which its CRC check discards. */
            drop_unread(bytes + written, count - written);
            return;
        }
        struct pollfd p = { master_fd, POLLOUT, 0 };
        poll(&p, 1, 50);
    }
}

static void make_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
}

int main(int argc, char **argv)
{
    const char *serial = NULL, *link_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--serial") == 0 && i + 1 < argc) serial = argv[++i];
        else if (strcmp(argv[i], "--link") == 0 && i + 1 < argc) link_path = argv[++i];
        else {
            fprintf(stderr, "error: unknown argument '%s' (usage: mortalhil-fw-host [--serial S] [--link PATH])\n", argv[i]);
            return 2;
        }
    }
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test or script that started us */
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    clock_gettime(CLOCK_MONOTONIC, &started);

    master_fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_fd < 0 || grantpt(master_fd) != 0 || unlockpt(master_fd) != 0) {
        fprintf(stderr, "error: cannot open a pseudo-terminal: %s\n", strerror(errno));
        return 3;
    }
    const char *path = ptsname(master_fd);
    /* Hold the slave open ourselves: the master never sees a hang-up while the host reopens the port. */
    slave_fd = path ? open(path, O_RDWR | O_NOCTTY) : -1;
    if (slave_fd < 0) {
        fprintf(stderr, "error: cannot open %s: %s\n", path ? path : "the pty slave", strerror(errno));
        return 3;
    }
    make_raw(slave_fd);
    /* Only read by drop_unread; non-blocking, so a host that reads the same bytes first cannot leave it waiting. */
    fcntl(slave_fd, F_SETFL, fcntl(slave_fd, F_GETFL) | O_NONBLOCK);
    fcntl(master_fd, F_SETFL, fcntl(master_fd, F_GETFL) | O_NONBLOCK);
    if (link_path) {
        unlink(link_path);
        if (symlink(path, link_path) != 0) {
            fprintf(stderr, "error: cannot link %s: %s\n", link_path, strerror(errno));
            return 3;
        }
    }

    mh_model_set_identity(serial, "mortalhil-fw 1.0 (host build)");
    mh_model_reset();
    mh_board_init();
    printf("%s\n", link_path ? link_path : path);
    fflush(stdout);

    struct stat in;
    int watch_stdin = fstat(0, &in) == 0 && !S_ISCHR(in.st_mode) ? 1 : 0; /* not /dev/null or a terminal */
    uint8_t buffer[4096];
    while (!stop) {
        struct pollfd p[2] = { { master_fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        int ready = poll(p, watch_stdin ? 2 : 1, 100);
        if (ready < 0 && errno != EINTR) break;
        if (watch_stdin && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t n = read(0, buffer, sizeof buffer);
            if (n <= 0) break;
        }
        if (p[0].revents & POLLIN) {
            ssize_t n = read(master_fd, buffer, sizeof buffer);
            if (n > 0) {
                mh_board_receive(buffer, (size_t)n);
            }
        }
    }
    const mh_board_counters *c = mh_board_get_counters();
    fprintf(stderr, "stopped: %u frames received, %u bad blocks, %u replays, %u answers dropped unread\n",
            c->frames_received, c->bad_blocks, c->replays, answers_dropped);
    if (link_path) unlink(link_path);
    return 0;
}
