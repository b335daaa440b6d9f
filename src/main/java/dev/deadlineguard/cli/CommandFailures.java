package dev.deadlineguard.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A command that failed while running: one {@code error:} line in plain words, exit code
 * {@link ExitCodes#FAILURE}. The stack trace goes to the debug log only.
 */
final class CommandFailures implements CommandLine.IExecutionExceptionHandler {

    static final String INTERNAL = "unexpected internal failure (see the log with debug enabled)";
    private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile("\\b(java|javax|jdk|sun)\\.[a-z]+\\.|\\w+Exception\\b");
    private static final Logger LOG = LoggerFactory.getLogger(CommandFailures.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        LOG.debug("{} failed", cmd.getCommandSpec().qualifiedName(), e);
        cmd.getErr().println("error: " + describe(e));
        cmd.getErr().flush();
        return ExitCodes.FAILURE;
    }

    static String describe(Throwable e) {
        if (e instanceof FileSystemException files) {
            return fileProblem(files) + ": " + files.getFile();
        }
        String message = e.getMessage();
        if (e.getCause() != null && (message == null || message.equals(e.getCause().toString()))) {
            return describe(e.getCause());  // a wrapper that only repeats its cause
        }
        if (message == null || message.isBlank() || e instanceof NullPointerException || e instanceof ClassCastException
                || e instanceof IndexOutOfBoundsException || JAVA_NAME.matcher(message).find()) {
            return INTERNAL;  // a bug, not something the user can act on: no Java names on the command line
        }
        return message.lines().findFirst().orElse(message);
    }

    /** What went wrong with a file, in words: {@code no such file}, {@code permission denied}... */
    static String fileProblem(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        return e.getReason() != null ? e.getReason().toLowerCase(java.util.Locale.ROOT) : "cannot use the file";
    }
}
