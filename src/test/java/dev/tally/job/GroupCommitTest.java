package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class GroupCommitTest {

    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger singles = new AtomicInteger();
    private final List<List<Integer>> batches = new ArrayList<>();
    private final List<Integer> committedSizes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void writesWhatWaitsWhileAWriteIsUnderWayAsOneBatch() throws Exception {
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(64, this::doubled, this::heldBackSingle, e -> false);

        List<Future<Integer>> results = writeFourHoldingTheFirst(commit);

        for (int i = 0; i < 4; i++) {
            assertThat(results.get(i).get()).isEqualTo(2 * i);
        }
        assertThat(singles.get()).isEqualTo(1);
        assertThat(batches).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void anUnreachableStoreFailsTheWholeBatchAtOnceWithoutRetryingEachItem() throws Exception {
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(64, items -> {
            throw new DataAccessResourceFailureException("store down");
        }, this::heldBackSingle, e -> e instanceof DataAccessResourceFailureException);

        List<Future<Integer>> results = writeFourHoldingTheFirst(commit);

        assertThat(results.get(0).get()).isZero();
        for (int i = 1; i < 4; i++) {
            Future<Integer> result = results.get(i);
            assertThatThrownBy(result::get).hasCauseInstanceOf(DataAccessResourceFailureException.class);
        }
        assertThat(singles.get()).isEqualTo(1);
    }

    @Test
    void writesSeveralItemsOfOneCallerInBatchesOfAtMostTheLimitAndAnswersInTheirOrder() {
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(4, this::doubled, this::heldBackSingle, e -> false);
        release.countDown();

        List<Integer> results = commit.writeAll(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

        assertThat(results).containsExactly(2, 4, 6, 8, 10, 12, 14, 16, 18, 20);
        assertThat(batches).containsExactly(List.of(1, 2, 3, 4), List.of(5, 6, 7, 8), List.of(9, 10));
        assertThat(singles.get()).isZero();
    }

    @Test
    void aLoneItemWaitsOutTheLingerAndSharesItsWriteWithItemsThatArriveMeanwhile() throws Exception {
        release.countDown();
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(64, Duration.ofSeconds(1), this::doubled,
                this::heldBackSingle, e -> false, committedSizes::add);

        Future<Integer> lone = callers.submit(() -> commit.write(0));
        // Well inside the linger: the leader has taken item 0 and waits for company.
        Thread.sleep(200);
        Future<Integer> second = callers.submit(() -> commit.write(1));
        Future<Integer> third = callers.submit(() -> commit.write(2));

        assertThat(lone.get()).isZero();
        assertThat(second.get()).isEqualTo(2);
        assertThat(third.get()).isEqualTo(4);
        assertThat(singles.get()).isZero();
        assertThat(batches).singleElement().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aLoneItemWithNobodyJoiningIsWrittenAloneOnceTheLingerIsOver() {
        release.countDown();
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(64, Duration.ofMillis(50), this::doubled,
                this::heldBackSingle, e -> false, committedSizes::add);

        assertThat(commit.write(21)).isEqualTo(42);

        assertThat(singles.get()).isEqualTo(1);
        assertThat(batches).isEmpty();
    }

    @Test
    void tellsHowManyItemsEachCommittedTransactionHeldCountingNeitherFailedBatchesNorFailedItems() {
        release.countDown();
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(3, Duration.ZERO, items -> {
            if (items.contains(-1)) {
                throw new IllegalArgumentException("a bad item spoils its batch");
            }
            return doubled(items);
        }, item -> {
            if (item < 0) {
                throw new IllegalArgumentException("bad item");
            }
            return heldBackSingle(item);
        }, e -> false, committedSizes::add);

        assertThat(commit.writeAll(List.of(1, 2, 3, 4, 5))).containsExactly(2, 4, 6, 8, 10);
        assertThatThrownBy(() -> commit.writeAll(List.of(6, -1, 7))).isInstanceOf(IllegalArgumentException.class);
        assertThat(commit.write(8)).isEqualTo(16);

        // Batches of 3 and 2; the spoilt batch's good items one by one (its bad one not at all); 8 alone.
        assertThat(committedSizes).containsExactly(3, 2, 1, 1, 1);
    }

    @Test
    void anObserverThatFailsFailsNoWrite() {
        release.countDown();
        GroupCommit<Integer, Integer> commit = new GroupCommit<>(4, Duration.ZERO, this::doubled, this::heldBackSingle,
                e -> false, size -> {
                    throw new IllegalStateException("metrics unavailable");
                });

        assertThat(commit.write(1)).isEqualTo(2);
        assertThat(commit.writeAll(List.of(2, 3, 4))).containsExactly(4, 6, 8);
    }

    /** The first write (alone) waits until the three others are queued behind it. */
    private List<Future<Integer>> writeFourHoldingTheFirst(GroupCommit<Integer, Integer> commit) throws Exception {
        List<Future<Integer>> results = new ArrayList<>();
        results.add(callers.submit(() -> commit.write(0)));
        firstStarted.await();
        for (int i = 1; i < 4; i++) {
            int item = i;
            results.add(callers.submit(() -> commit.write(item)));
        }
        Awaitility.await().until(() -> commit.waiting() == 3);
        release.countDown();
        return results;
    }

    private List<Integer> doubled(List<Integer> items) {
        synchronized (batches) {
            batches.add(List.copyOf(items));
        }
        return items.stream().map(i -> 2 * i).toList();
    }

    private Integer heldBackSingle(Integer item) {
        singles.incrementAndGet();
        firstStarted.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return 2 * item;
    }
}
