/* A small program that crashes the way native apps do: SIGSEGV three calls deep in the main
 * thread while a worker thread sleeps holding a mutex. Recorded with gdb by record.py. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct config {
    const char *name;
    int *limits;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int worker_ready = 0;

static void *cache_worker(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "cache-worker");
    pthread_mutex_lock(&cache_lock);
    worker_ready = 1;
    sleep(60); /* holds the lock while main crashes */
    pthread_mutex_unlock(&cache_lock);
    return NULL;
}

__attribute__((noinline)) static int read_limit(const struct config *cfg, int index) {
    return cfg->limits[index]; /* limits is NULL: SIGSEGV */
}

__attribute__((noinline)) static int total_limits(const struct config *cfg, int count) {
    int total = 0;
    for (int i = 0; i < count; i++) {
        total += read_limit(cfg, i);
    }
    return total;
}

__attribute__((noinline)) static int load_config(const char *name) {
    struct config cfg = {name, NULL};
    return total_limits(&cfg, (int)strlen(name));
}

int main(void) {
    pthread_t worker;
    pthread_create(&worker, NULL, cache_worker, NULL);
    while (!worker_ready) {
        usleep(1000);
    }
    printf("%d\n", load_config("billing"));
    return 0;
}
