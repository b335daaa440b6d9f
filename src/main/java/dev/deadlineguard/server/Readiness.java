package dev.deadlineguard.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The checks behind {@code /readyz}, as kube-apiserver keeps them: each has a name and says ok or why
 * not. Required checks decide readiness: can this replica answer admission reviews? Informational
 * checks (the sweeper's connection, sync and leadership) are listed by {@code /readyz?verbose} but
 * never make the replica unready: admission is stateless and must not go dark on the sweeper's account.
 */
public final class Readiness {

    /** One check's answer. */
    public record Result(boolean passed, String detail) {
        public static Result ok() {
            return new Result(true, null);
        }

        public static Result ok(String detail) {
            return new Result(true, detail);
        }

        public static Result failed(String detail) {
            return new Result(false, detail);
        }
    }

    private record Check(String name, boolean required, Supplier<Result> probe) {
    }

    /** Every check's answer at one moment. */
    public record Report(boolean ready, String firstFailure, List<String> lines) {
        /** The verbose text: a line per check, then the verdict, as kube-apiserver prints it. */
        public String verbose() {
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            return text.append(ready ? "readyz check passed\n" : "readyz check failed\n").toString();
        }
    }

    private final List<Check> checks = new CopyOnWriteArrayList<>();

    /** A check that must pass for the replica to be ready. */
    public void require(String name, Supplier<Result> probe) {
        checks.add(new Check(name, true, probe));
    }

    /** A check that is shown but does not affect readiness. */
    public void inform(String name, Supplier<Result> probe) {
        checks.add(new Check(name, false, probe));
    }

    public Report evaluate() {
        boolean ready = true;
        String firstFailure = null;
        List<String> lines = new ArrayList<>();
        for (Check check : checks) {
            Result result;
            try {
                result = check.probe().get();
            } catch (RuntimeException e) {
                result = Result.failed("the check itself failed");
            }
            StringBuilder line = new StringBuilder(result.passed() ? "[+]" : "[-]").append(check.name())
                    .append(result.passed() ? " ok" : " failed");
            if (result.detail() != null) {
                line.append(": ").append(result.detail());
            }
            if (!check.required()) {
                line.append(" (informational)");
            } else if (!result.passed()) {
                ready = false;
                if (firstFailure == null) {
                    firstFailure = check.name() + (result.detail() == null ? "" : ": " + result.detail());
                }
            }
            lines.add(line.toString());
        }
        return new Report(ready, firstFailure, List.copyOf(lines));
    }
}
