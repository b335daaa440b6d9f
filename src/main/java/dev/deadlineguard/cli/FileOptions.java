package dev.deadlineguard.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on files and directories named on the command line, before a command starts using them. */
final class FileOptions {

    private FileOptions() {
    }

    /** A file to read, such as "certificate file": present, a regular file, readable. */
    static void requireReadableFile(CommandLine cmd, String what, Path file) {
        if (file == null) {
            return;
        }
        String problem = null;
        if (!Files.exists(file)) {
            problem = "no such file";
        } else if (Files.isDirectory(file)) {
            problem = "it is a directory";
        } else {
            try (var in = Files.newInputStream(file)) {
                in.read();
            } catch (IOException e) {
                problem = e instanceof java.nio.file.FileSystemException fs ? CommandFailures.fileProblem(fs) : "not readable";
            }
        }
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, "cannot read " + what + " " + file + ": " + problem);
        }
    }

    /** A directory to write into: a directory when it exists (it is created otherwise). */
    static void requireDirectoryOrAbsent(CommandLine cmd, String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(cmd, option + " " + dir + " is not a directory");
        }
    }
}
