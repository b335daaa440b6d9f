package dev.deadlineguard.cli;

import dev.deadlineguard.version.Version;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"deadline-guard " + Version.current()};
    }
}
