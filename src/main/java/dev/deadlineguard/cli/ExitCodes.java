package dev.deadlineguard.cli;

/** Exit codes shared by all commands. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The input could not be read or judged, or the command failed. */
    public static final int FAILURE = 1;
    /** The command line was wrong (picocli's own code). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
