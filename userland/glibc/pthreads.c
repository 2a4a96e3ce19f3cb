/*
 * glibc-pthreads: POSIX threads as glibc makes them (clone, futex,
 * set_robust_list, CLONE_CHILD_CLEARTID for pthread_join), checked by the
 * program itself, so that its output is the same on Sluice and on Linux
 * (qemu-riscv64): one "ok" line per check, then "N failed".
 *
 *   glibc-pthreads [seconds]   contention phases run about that long (default 1)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("glibc-pthreads: FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
			failed++;                                                                  \
		}                                                                                  \
	} while (0)

static void ok(const char *what)
{
	printf("glibc-pthreads: %s ok\n", what);
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double seconds = 1;

/* --- 100 threads, created and joined; thread-local storage --- */

static __thread long tls_value = 7;
static int total;

static void *add_id(void *arg)
{
	long id = (long)arg;

	CHECK(tls_value == 7); /* each thread's own copy, initialised */
	tls_value = id;
	sched_yield();
	CHECK(tls_value == id);
	__atomic_fetch_add(&total, (int)id, __ATOMIC_SEQ_CST);
	return (void *)(id * 2);
}

static void hundred_threads(void)
{
	pthread_t t[100];

	for (long i = 0; i < 100; i++)
		CHECK(pthread_create(&t[i], NULL, add_id, (void *)i) == 0);
	for (long i = 0; i < 100; i++) {
		void *ret;
		CHECK(pthread_join(t[i], &ret) == 0);
		CHECK((long)ret == i * 2);
	}
	CHECK(total == 99 * 100 / 2);
	CHECK(tls_value == 7);
	ok("100 threads created and joined, thread-local storage");
}

/* --- a mutex under contention --- */

#define NT 4
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long guarded, per_thread[NT];
static double stop_at;

static void *lock_loop(void *arg)
{
	long id = (long)arg;

	while (now() < stop_at) {
		for (int i = 0; i < 1000; i++) {
			pthread_mutex_lock(&mutex);
			guarded++;
			pthread_mutex_unlock(&mutex);
			per_thread[id]++;
		}
	}
	return NULL;
}

static void mutex_contention(void)
{
	pthread_t t[NT];
	long sum = 0;

	stop_at = now() + seconds;
	for (long i = 0; i < NT; i++)
		CHECK(pthread_create(&t[i], NULL, lock_loop, (void *)i) == 0);
	for (int i = 0; i < NT; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	for (int i = 0; i < NT; i++)
		sum += per_thread[i];
	CHECK(sum == guarded && sum > 0);
	ok("mutex: 4 threads' increments all counted");
}

/* --- condition variables: a bounded queue, 2 producers, 3 consumers --- */

#define QSIZE 8
#define ITEMS 20000
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], qhead, qlen, produced, consumed_sum, consumed_n;

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS / 2; i++) {
		pthread_mutex_lock(&mutex);
		while (qlen == QSIZE)
			pthread_cond_wait(&not_full, &mutex);
		queue[(qhead + qlen++) % QSIZE] = i;
		produced++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&mutex);
	}
	return arg;
}

static void *consumer(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&mutex);
		while (qlen == 0 && consumed_n < ITEMS)
			pthread_cond_wait(&not_empty, &mutex);
		if (consumed_n == ITEMS) {
			pthread_mutex_unlock(&mutex);
			return arg;
		}
		consumed_sum += queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qlen--;
		if (++consumed_n == ITEMS)
			pthread_cond_broadcast(&not_empty);
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&mutex);
	}
}

static void condvars(void)
{
	pthread_t p[2], c[3];

	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&c[i], NULL, consumer, NULL) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&p[i], NULL, producer, NULL) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_join(p[i], NULL) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(pthread_join(c[i], NULL) == 0);
	CHECK(consumed_n == ITEMS);
	CHECK(consumed_sum == 2 * (ITEMS / 2) * (ITEMS / 2 + 1) / 2);
	ok("condition variables: 20000 items through a queue of 8");
}

/* --- a barrier, a rwlock, a semaphore --- */

static pthread_barrier_t barrier;
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static int round_seen[NT], shared_a, shared_b;
static sem_t sem;

static void *barrier_rounds(void *arg)
{
	long id = (long)arg;

	for (int r = 0; r < 200; r++) {
		round_seen[id] = r;
		pthread_barrier_wait(&barrier);
		for (int j = 0; j < NT; j++)
			CHECK(round_seen[j] == r); /* everyone reached round r */
		pthread_barrier_wait(&barrier);
		/* readers see a and b change together */
		if (id == 0) {
			pthread_rwlock_wrlock(&rwlock);
			shared_a++;
			shared_b++;
			pthread_rwlock_unlock(&rwlock);
		} else {
			pthread_rwlock_rdlock(&rwlock);
			CHECK(shared_a == shared_b);
			pthread_rwlock_unlock(&rwlock);
		}
	}
	sem_post(&sem);
	return NULL;
}

static void barrier_rwlock_sem(void)
{
	pthread_t t[NT];

	CHECK(pthread_barrier_init(&barrier, NULL, NT) == 0);
	CHECK(sem_init(&sem, 0, 0) == 0);
	for (long i = 0; i < NT; i++)
		CHECK(pthread_create(&t[i], NULL, barrier_rounds, (void *)i) == 0);
	for (int i = 0; i < NT; i++)
		CHECK(sem_wait(&sem) == 0);
	for (int i = 0; i < NT; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(shared_a == 200);
	ok("barrier, rwlock, semaphore");
}

/* --- timed waits, detached threads, ids --- */

static pid_t thread_pid, thread_tid;

static void *ids(void *arg)
{
	thread_pid = getpid();
	thread_tid = gettid();
	return arg;
}

static void timed_and_ids(void)
{
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	struct timespec ts;
	pthread_t t;
	pthread_attr_t attr;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&mutex);
	CHECK(pthread_cond_timedwait(&cond, &mutex, &ts) == ETIMEDOUT);
	pthread_mutex_unlock(&mutex);
	CHECK(pthread_create(&t, NULL, ids, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(thread_pid == getpid());
	CHECK(thread_tid != getpid() && thread_tid > 0);
	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0);
	for (int i = 0; i < 10; i++)
		CHECK(pthread_create(&t, &attr, ids, NULL) == 0);
	usleep(50000);
	ok("timed wait, detached threads, getpid and gettid");
}

/* --- vfork and exec, with a thread running --- */

static volatile int spin_stop;

static void *spinner(void *arg)
{
	while (!spin_stop)
		sched_yield();
	return arg;
}

static void vfork_exec(void)
{
	pthread_t t;
	int status;

	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0);
	pid_t pid = vfork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pid = vfork();
	if (pid == 0)
		_exit(9);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	spin_stop = 1;
	CHECK(pthread_join(t, NULL) == 0);
	ok("vfork and exec beside a running thread");
}

/* --- fcntl's record locks belong to the process: its threads share them --- */

static int lock_fd;

static void *lock_in_thread(void *arg)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};

	CHECK(fcntl(lock_fd, F_SETLK, &fl) == 0);
	return arg;
}

static void record_locks(void)
{
	char path[] = "/tmp/glibc-pthreads-lock.XXXXXX";
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
	pthread_t t;
	int status;

	lock_fd = mkstemp(path);
	CHECK(lock_fd >= 0);
	unlink(path);
	CHECK(pthread_create(&t, NULL, lock_in_thread, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	/* The thread is gone, its lock stays: the process's, so no conflict here. */
	CHECK(fcntl(lock_fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);
	pid_t pid = fork();
	if (pid == 0) { /* another process sees it, held by the parent */
		struct flock g = {
			.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
		_exit(fcntl(lock_fd, F_GETLK, &g) == 0 && g.l_type == F_WRLCK &&
				      g.l_pid == getppid()
			      ? 0
			      : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(lock_fd);
	ok("record locks shared by the threads of a process");
}

/* --- a process whose threads block, ended by exit from another --- */

static void *block_forever(void *arg)
{
	pthread_mutex_lock(&mutex); /* held by main: blocks in futex */
	return arg;
}

static void exit_with_threads(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t t[3];
		pthread_mutex_lock(&mutex);
		for (int i = 0; i < 3; i++)
			pthread_create(&t[i], NULL, block_forever, NULL);
		usleep(20000);
		exit(4); /* exit_group: the blocked threads go too */
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
	ok("exit with threads blocked on a mutex");
}

/* --- a semaphore and a mutex shared by two processes --- */

struct pshared {
	sem_t sem;
	pthread_mutex_t mutex;
};

/*
 * In shared anonymous memory, pshared: the child sleeps in sem_timedwait,
 * then in pthread_mutex_timedlock (the parent holds the mutex); the
 * parent's sem_post and unlock, futex wakes of another process, wake it.
 */
static void process_shared(void)
{
	struct pshared *s =
		mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	int status;

	CHECK(s != MAP_FAILED);
	CHECK(sem_init(&s->sem, 1, 0) == 0);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	CHECK(pthread_mutex_init(&s->mutex, &ma) == 0);
	pthread_mutex_lock(&s->mutex);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		int a = sem_timedwait(&s->sem, &ts);
		int b = pthread_mutex_timedlock(&s->mutex, &ts);
		_exit(a == 0 && b == 0 ? 0 : 1);
	}
	usleep(100000); /* the child asleep on the semaphore */
	CHECK(sem_post(&s->sem) == 0);
	usleep(100000); /* and now on the mutex */
	CHECK(pthread_mutex_unlock(&s->mutex) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap(s, sizeof(*s));
	ok("process-shared semaphore and mutex");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		seconds = atof(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	hundred_threads();
	mutex_contention();
	condvars();
	barrier_rwlock_sem();
	timed_and_ids();
	vfork_exec();
	record_locks();
	exit_with_threads();
	process_shared();
	printf("glibc-pthreads: %d failed\n", failed);
	return failed != 0;
}
