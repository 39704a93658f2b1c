package io.mlmesh.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The demo's load pattern: {@code concurrency} callers, each taking the next index until none is
 * left, so that exactly that many calls are in flight while work remains.
 */
final class ConcurrentCalls {

    private ConcurrentCalls() {
    }

    /**
     * Calls {@code call} once for every index below {@code count} and waits for all of them.
     *
     * @param callName names the call in the failure message, for example {@code "Predict"}
     * @throws IllegalStateException when a call fails or the wait is interrupted
     */
    static void run(ExecutorService callers, int concurrency, int count, IntConsumer call,
            String callName) {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(callers.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    call.accept(i);
                }
            }));
        }

        for (Future<?> worker : workers) {
            try {
                worker.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(callName + " calls interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(callName + " failed: "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
