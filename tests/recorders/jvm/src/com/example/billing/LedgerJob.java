package com.example.billing;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Throws a chained exception while one thread holds the ledger's monitor and another waits for
 * it, then prints the exception chain and every thread (ThreadMXBean, with lock owners) as JSON.
 * Recorded by record.py.
 */
public final class LedgerJob {
    private static final Object LEDGER = new Object();
    private static final CountDownLatch HELD = new CountDownLatch(1);

    public static void main(String[] args) throws Exception {
        Thread flusher = new Thread(LedgerJob::flushLedger, "ledger-flusher");
        flusher.setDaemon(true);
        flusher.start();
        HELD.await();
        Thread writer = new Thread(LedgerJob::writeReport, "report-writer");
        writer.setDaemon(true);
        writer.start();
        while (writer.getState() != Thread.State.BLOCKED) {
            Thread.sleep(5);
        }
        try {
            new PeriodCloser().close("2026-11", "12,50");
        } catch (IllegalStateException error) {
            System.out.println(Json.report(error, ManagementFactory.getThreadMXBean()
                    .dumpAllThreads(true, true), Thread.currentThread().getId()));
        }
    }

    static void flushLedger() {
        synchronized (LEDGER) {
            HELD.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void writeReport() {
        synchronized (LEDGER) {
            System.out.println("never reached while the flusher holds the ledger");
        }
    }

    static final class PeriodCloser {
        void close(String period, String total) {
            try {
                long cents = Amounts.parseCents(total);
                System.out.println(period + " " + cents);
            } catch (NumberFormatException error) {
                throw new IllegalStateException("could not close period " + period, error);
            }
        }
    }

    static final class Amounts {
        static long parseCents(String amount) {
            return Long.parseLong(amount.replace(".", ""));
        }
    }

    /** Just enough JSON writing for the report: strings, numbers, lists and objects. */
    static final class Json {
        static String report(Throwable error, ThreadInfo[] threads, long current) {
            List<String> chain = new ArrayList<>();
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                chain.add(obj("class", str(cause.getClass().getName()),
                        "message", str(cause.getMessage()),
                        "frames", frames(cause.getStackTrace())));
            }
            List<String> infos = new ArrayList<>();
            for (ThreadInfo info : threads) {
                infos.add(thread(info, current));
            }
            return obj("exceptions", list(chain), "threads", list(infos),
                    "current_thread", Long.toString(current),
                    "java_version", str(System.getProperty("java.version")));
        }

        static String thread(ThreadInfo info, long current) {
            List<String> monitors = new ArrayList<>();
            for (MonitorInfo monitor : info.getLockedMonitors()) {
                monitors.add(obj("class", str(monitor.getClassName()),
                        "identity", Integer.toString(monitor.getIdentityHashCode()),
                        "depth", Integer.toString(monitor.getLockedStackDepth())));
            }
            LockInfo waiting = info.getLockInfo();
            return obj("id", Long.toString(info.getThreadId()),
                    "name", str(info.getThreadName()),
                    "state", str(info.getThreadState().name()),
                    "daemon", Boolean.toString(info.isDaemon()),
                    "current", Boolean.toString(info.getThreadId() == current),
                    "locked_monitors", list(monitors),
                    "waiting_on", waiting == null ? "null" : obj(
                            "class", str(waiting.getClassName()),
                            "identity", Integer.toString(waiting.getIdentityHashCode())),
                    "lock_owner_id", Long.toString(info.getLockOwnerId()),
                    "frames", frames(info.getStackTrace()));
        }

        static String frames(StackTraceElement[] elements) {
            List<String> out = new ArrayList<>();
            for (StackTraceElement element : elements) {
                out.add(obj("class", str(element.getClassName()),
                        "method", str(element.getMethodName()),
                        "file", str(element.getFileName()),
                        "line", Integer.toString(element.getLineNumber()),
                        "native", Boolean.toString(element.isNativeMethod()),
                        "module", str(element.getModuleName())));
            }
            return list(out);
        }

        static String obj(String... pairs) {
            StringBuilder out = new StringBuilder("{");
            for (int i = 0; i < pairs.length; i += 2) {
                out.append(i == 0 ? "" : ",").append(str(pairs[i])).append(':').append(pairs[i + 1]);
            }
            return out.append('}').toString();
        }

        static String list(List<String> items) {
            return "[" + String.join(",", items) + "]";
        }

        static String str(String value) {
            if (value == null) {
                return "null";
            }
            StringBuilder out = new StringBuilder("\"");
            for (char c : value.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }
    }
}
