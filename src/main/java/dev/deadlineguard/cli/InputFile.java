package dev.deadlineguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the input of an offline command (a file, or standard input for {@code -}), bounded in size. */
final class InputFile {

    private InputFile() {
    }

    /**
     * The bytes, or {@code null} after printing why they could not be read. Reading standard input from a
     * terminal first says so, instead of waiting silently.
     *
     * @param what what the input should be, for that line: "an AdmissionReview"
     * @param command the command, for the hint: "deadline-guard review"
     */
    static byte[] read(String file, long maxBytes, PrintWriter err, String what, String command) {
        if ("-".equals(file) && System.console() != null) {
            err.println("reading " + what + " from standard input (end it with Ctrl-D); "
                    + "pass a FILE instead, see '" + command + " --help'");
            err.flush();
        }
        try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (data.length > maxBytes) {
                err.println("error: " + file + " is larger than " + maxBytes + " bytes");
                return null;
            }
            return data;
        } catch (NoSuchFileException e) {
            err.println("error: no such file: " + file);
        } catch (IOException e) {
            err.println("error: cannot read " + file + ": " + e.getMessage());
        }
        return null;
    }
}
