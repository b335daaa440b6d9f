package dev.deadlineguard.report;

import dev.deadlineguard.core.ArgoReplicaSet;
import dev.deadlineguard.core.Canonical;
import dev.deadlineguard.core.DeadlineValue;
import dev.deadlineguard.core.Rfc3339;
import dev.deadlineguard.sweep.SkipReason;
import dev.deadlineguard.sweep.SweepDecision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One ReplicaSet's two results as the report writer keeps them between reports: what the rules read
 * ({@link DeadlineRules.Subject}) and the decision, packed, with each rule's result and the time it was first
 * reached. Messages and properties are not kept: they are made again, by the same rules, for the results a report
 * shows when it is written. The writer holds one per guarded ReplicaSet of the cluster (100,000 in a 256 MiB pod),
 * so this is 96 bytes where two {@link Finding}s were about 1.65 KiB.
 *
 * <p>Packed as {@code CachedReplicaSet} packs: a uid in canonical UUID form as two longs, a deadline in the form
 * Argo writes it as epoch seconds, anything else as its text; the namespace and name are the writer's map keys; the
 * Rollout's name and the checked guarded key are the strings the ReplicaSet and the configuration already hold; a
 * decision to wait until the deadline plus grace is not kept (it is made again from the deadline), and skips
 * without detail are shared.
 *
 * <p>The results are made again at the time of the {@code deadline-honoured} result: the only result that depends on
 * the time is {@code deadline-honoured} on a valid deadline (not reached yet, or passed), and its message names the
 * deadline, so at that time the kept inputs give the kept result, also when a later decision changed only
 * {@code deadline-well-formed}.
 */
final class KeptResults {

    private static final byte UID_PACKED = 1;
    private static final byte DEADLINE_PACKED = 2;
    private static final byte WAITS_FOR_DUE = 4;
    private static final ResultValue[] RESULTS = ResultValue.values();
    private static final SweepDecision.Skip[] PLAIN_SKIPS = new SweepDecision.Skip[SkipReason.values().length];

    static {
        for (SkipReason reason : SkipReason.values()) {
            PLAIN_SKIPS[reason.ordinal()] = new SweepDecision.Skip(reason);
        }
    }

    private final long uidHigh;
    private final long uidLow;
    /** The uid when it is not a canonical UUID (or {@code null}). */
    private final String uidText;
    private final long deadlineSeconds;
    /** {@code scale-down-deadline} when not packed; {@code null} when absent. */
    private final String valueText;
    /** The guarded key {@code deadline-well-formed} judges, or {@code null} when it is the deadline itself. */
    private final String checkedKey;
    private final String checkedText;
    private final String rollout;
    private final long revision;
    private final int replicas;
    /** {@code null} when it waits for the deadline plus grace. */
    private final SweepDecision decision;
    private final long wellFormedAt;
    private final long honouredAt;
    private final byte wellFormed;
    private final byte honoured;
    private final byte flags;

    private KeptResults(long uidHigh, long uidLow, String uidText, long deadlineSeconds, String valueText,
                        String checkedKey, String checkedText, String rollout, long revision, int replicas,
                        SweepDecision decision, long wellFormedAt, long honouredAt, byte wellFormed, byte honoured,
                        byte flags) {
        this.uidHigh = uidHigh;
        this.uidLow = uidLow;
        this.uidText = uidText;
        this.deadlineSeconds = deadlineSeconds;
        this.valueText = valueText;
        this.checkedKey = checkedKey;
        this.checkedText = checkedText;
        this.rollout = rollout;
        this.revision = revision;
        this.replicas = replicas;
        this.decision = decision;
        this.wellFormedAt = wellFormedAt;
        this.honouredAt = honouredAt;
        this.wellFormed = wellFormed;
        this.honoured = honoured;
        this.flags = flags;
    }

    /**
     * The decision as far as the rules read it ({@link dev.deadlineguard.sweep.SweepPlan#label},
     * {@link dev.deadlineguard.sweep.SweepPlan#describe}, a skip's reason and detail): a skip without its retry time
     * (shared when it has no detail either), a repair without the fresh value it would write.
     */
    static SweepDecision reported(SweepDecision decision) {
        if (decision instanceof SweepDecision.Skip skip) {
            if (skip.detail() == null) {
                return PLAIN_SKIPS[skip.reason().ordinal()];
            }
            return skip.retryAt() == null ? skip : new SweepDecision.Skip(skip.reason(), null, skip.detail());
        }
        if (decision instanceof SweepDecision.Repair repair && repair.newValue() != null) {
            return new SweepDecision.Repair(repair.key(), repair.oldValue(), null, repair.replicas());
        }
        return decision;
    }

    /**
     * @param reported the decision as {@link #reported} gives it
     * @param results  both rules' results, {@code deadline-well-formed} first, with the times they were first reached
     */
    static KeptResults of(DeadlineRules.Subject subject, SweepDecision reported, Duration grace, List<Finding> results) {
        byte flags = 0;
        long uidHigh = 0;
        long uidLow = 0;
        String uidText = subject.uid();
        UUID uuid = Canonical.uuid(uidText);
        if (uuid != null) {
            uidHigh = uuid.getMostSignificantBits();
            uidLow = uuid.getLeastSignificantBits();
            uidText = null;
            flags |= UID_PACKED;
        }
        DeadlineValue value = subject.value();
        long deadlineSeconds = 0;
        String valueText = value.raw();
        if (Canonical.deadline(valueText)) {
            deadlineSeconds = value.deadline().getEpochSecond();
            valueText = null;
            flags |= DEADLINE_PACKED;
        }
        String checkedKey = subject.checkedKey();
        String checkedText = subject.checked().raw();
        if (checkedKey.equals(ArgoReplicaSet.DEADLINE_KEY) && Objects.equals(checkedText, value.raw())) {
            checkedKey = null;
            checkedText = null;
        }
        SweepDecision decision = reported;
        if (reported instanceof SweepDecision.Wait wait && (flags & DEADLINE_PACKED) != 0
                && wait.at().equals(Instant.ofEpochSecond(deadlineSeconds).plus(grace))) {
            decision = null;
            flags |= WAITS_FOR_DUE;
        }
        return new KeptResults(uidHigh, uidLow, uidText, deadlineSeconds, valueText, checkedKey, checkedText,
                subject.rollout(), subject.revision(), subject.replicas(), decision, nanos(results.get(0).timestamp()),
                nanos(results.get(1).timestamp()), (byte) results.get(0).result().ordinal(),
                (byte) results.get(1).result().ordinal(), flags);
    }

    ResultValue result(ReportRule rule) {
        return RESULTS[rule == ReportRule.WELL_FORMED ? wellFormed : honoured];
    }

    /**
     * The same inputs and results as kept: then the messages and properties are the same too (the results tell
     * which side of the deadline the time was on).
     */
    boolean sameAs(DeadlineRules.Subject subject, SweepDecision reported, Duration grace, ResultValue wellFormedResult,
                   ResultValue honouredResult) {
        return wellFormedResult.ordinal() == wellFormed && honouredResult.ordinal() == honoured
                && replicas == subject.replicas() && revision == subject.revision()
                && Objects.equals(rollout, subject.rollout()) && Objects.equals(uid(), subject.uid())
                && Objects.equals(valueRaw(), subject.value().raw())
                && checked().equals(subject.checkedKey()) && Objects.equals(checkedRaw(), subject.checked().raw())
                && decision(grace).equals(reported);
    }

    /** Both results made again, {@code deadline-well-formed} first, with the times they were first reached. */
    List<Finding> findings(String namespace, String name, Duration grace) {
        DeadlineValue value = DeadlineValue.of(valueRaw());
        DeadlineRules.Subject subject = new DeadlineRules.Subject(namespace, name, uid(), value, checked(),
                checkedKey == null ? value : DeadlineValue.of(checkedText), replicas, rollout, revision);
        List<Finding> made = DeadlineRules.evaluate(subject, decision(grace), instant(honouredAt), grace, false);
        return List.of(made.get(0).at(instant(wellFormedAt)), made.get(1));
    }

    private String uid() {
        return (flags & UID_PACKED) != 0 ? new UUID(uidHigh, uidLow).toString() : uidText;
    }

    private String valueRaw() {
        return (flags & DEADLINE_PACKED) != 0 ? Rfc3339.format(Instant.ofEpochSecond(deadlineSeconds)) : valueText;
    }

    private String checked() {
        return checkedKey == null ? ArgoReplicaSet.DEADLINE_KEY : checkedKey;
    }

    private String checkedRaw() {
        return checkedKey == null ? valueRaw() : checkedText;
    }

    private SweepDecision decision(Duration grace) {
        if ((flags & WAITS_FOR_DUE) != 0) {
            return new SweepDecision.Wait(Instant.ofEpochSecond(deadlineSeconds).plus(grace));
        }
        return decision;
    }

    /** Nanoseconds since the epoch: a clock's time, years 1678 to 2262. */
    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }
}
