package dev.deadlineguard.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;

/**
 * The process's logging (Logback): text or JSON lines on standard error, written by an asynchronous appender so
 * that a slow log pipeline never holds up an admission review (when its queue is full, events are dropped instead).
 * {@code logback.xml} is the same text setup for the moment before the command line is read.
 */
public final class Logging {

    /** The text layout, as readable as slf4j-simple's was: time, level, logger, message. */
    public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} [%level] %logger{0} - %msg%n";
    static final int QUEUE_SIZE = 8192;

    private Logging() {
    }

    /** Replaces the configuration: {@code format} lines at {@code level} and above, to standard error. */
    public static void configure(LogFormat format, Level level) {
        configure(format, level, null);
    }

    /** As {@link #configure(LogFormat, Level)}, to {@code out} instead of standard error (for tests). */
    public static synchronized void configure(LogFormat format, Level level, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();

        OutputStreamAppender<ILoggingEvent> console;
        if (out == null) {
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setTarget("System.err");
            console = stderr;
        } else {
            console = new OutputStreamAppender<>();
            console.setOutputStream(out);
        }
        console.setContext(context);
        console.setName("stderr");
        console.setEncoder(encoder(format, context));
        console.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);  // keep INFO and DEBUG while the queue fills; drop only when it is full
        async.setNeverBlock(true);
        async.addAppender(console);
        async.start();

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(async);
        // Jetty and Javalin talk a lot at INFO about things the server already says itself.
        for (String chatty : new String[] {"org.eclipse.jetty", "io.javalin"}) {
            context.getLogger(chatty).setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        }
        // The sweeper says in one line per change of state why it cannot reach the API server (and
        // /readyz?verbose shows it); fabric8's own warnings with stack traces would repeat that on every
        // attempt during an outage. Its leader elector logs nothing that SweeperLeadership does not say.
        for (String perAttempt : FABRIC8_PER_ATTEMPT) {
            context.getLogger(perAttempt).setLevel(level.isGreaterOrEqual(Level.ERROR) ? level : Level.ERROR);
        }
        context.getLogger("io.fabric8.kubernetes.client.extended.leaderelection").setLevel(Level.OFF);
    }

    /** fabric8 loggers that warn once per retry while the API server is unreachable. */
    static final String[] FABRIC8_PER_ATTEMPT = {
            "io.fabric8.kubernetes.client.informers.impl.cache.Reflector",
            "io.fabric8.kubernetes.client.dsl.internal.AbstractWatchManager",
            "io.fabric8.kubernetes.client.dsl.internal.WatcherWebSocketListener",
            "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils"};

    /** Writes out what the asynchronous appender still holds; call before the process exits. */
    public static synchronized void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static Encoder<ILoggingEvent> encoder(LogFormat format, LoggerContext context) {
        if (format == LogFormat.JSON) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(context);
            json.setIncludeContext(false);  // no logback context properties (HOSTNAME etc.) in every line
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
