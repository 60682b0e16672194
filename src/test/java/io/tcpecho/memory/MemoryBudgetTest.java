package io.tcpecho.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The budget's states and transitions, as the kernel's tcp_mem: low, pressure and high lines with hysteresis. */
class MemoryBudgetTest {

    private static final long KIB = 1024;
    private static final long BUDGET = 1024 * KIB; // low line 512 KiB, pressure line 768 KiB
    private static final long DIRECT = 2 * BUDGET;
    private static final int ALLOWANCE = 4 * 1024;

    private final MemoryBudget budget = new MemoryBudget(BUDGET, ALLOWANCE, DIRECT, false);

    @Test
    void linesAreHalfAndThreeQuartersOfTheBudget() {
        assertThat(budget.lowLine()).isEqualTo(512 * KIB);
        assertThat(budget.pressureLine()).isEqualTo(768 * KIB);
    }

    @Test
    void underThePressureLineEveryConnectionReadsAsMuchAsItWants() {
        budget.hold(768 * KIB - 1);
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
        assertThat(budget.mayRead(10 * 1024 * KIB)).isTrue();
        assertThat(budget.readSizeLimit(10 * 1024 * KIB)).isEqualTo(Integer.MAX_VALUE);
        assertThat(budget.admitsNewConnections()).isTrue();
    }

    @Test
    void underPressureOnlyConnectionsBelowTheirAllowanceReadAndOnlyWhatIsLeftOfIt() {
        budget.hold(768 * KIB);
        assertThat(budget.state()).isEqualTo(MemoryState.PRESSURE);
        assertThat(budget.mayRead(0)).isTrue();
        assertThat(budget.readSizeLimit(0)).isEqualTo(ALLOWANCE);
        assertThat(budget.mayRead(ALLOWANCE - 1)).isTrue();
        assertThat(budget.readSizeLimit(3 * KIB)).isEqualTo((int) KIB);
        assertThat(budget.mayRead(ALLOWANCE)).isFalse();
        // A paused connection is still read to its end when its client half-closes: small reads, never empty ones.
        assertThat(budget.readSizeLimit(10 * ALLOWANCE)).isEqualTo(MemoryBudget.MIN_ALLOWANCE);
        assertThat(budget.admitsNewConnections()).isTrue();
    }

    @Test
    void pressureLastsUntilHeldBytesFallUnderTheLowLine() {
        budget.hold(800 * KIB);
        budget.release(200 * KIB); // 600 KiB: under the pressure line, over the low line
        assertThat(budget.state()).isEqualTo(MemoryState.PRESSURE);
        budget.release(88 * KIB + 1); // just under 512 KiB
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
    }

    @Test
    void atTheBudgetConnectionsStillReadWithinTheirAllowanceButNewOnesWait() {
        budget.hold(BUDGET);
        assertThat(budget.state()).isEqualTo(MemoryState.OVERLOADED);
        assertThat(budget.mayRead(0)).isTrue();
        assertThat(budget.mayRead(ALLOWANCE)).isFalse();
        assertThat(budget.readSizeLimit(0)).isEqualTo(ALLOWANCE);
        assertThat(budget.admitsNewConnections()).isFalse();
    }

    @Test
    void allowancesShareAQuarterOfTheDirectMemoryWithinBounds() {
        long direct = 128L << 20;
        assertThat(MemoryBudget.allowance(direct, 10_000)).isEqualTo(3355); // 32 MiB / 10,000
        assertThat(MemoryBudget.allowance(direct, 100)).isEqualTo(MemoryBudget.MAX_ALLOWANCE);
        assertThat(MemoryBudget.allowance(direct, 1_000_000)).isEqualTo(MemoryBudget.MIN_ALLOWANCE);
        assertThat(MemoryBudget.connectionsThatFit(direct)).isEqualTo(32_768);
        assertThat(MemoryBudget.defaultBudget(direct)).isEqualTo(64L << 20);
    }

    @Test
    void overloadLastsUntilHeldBytesFallUnderThePressureLineThenPressureUntilTheLowLine() {
        budget.hold(BUDGET);
        budget.release(200 * KIB); // 824 KiB
        assertThat(budget.state()).isEqualTo(MemoryState.OVERLOADED);
        budget.release(100 * KIB); // 724 KiB
        assertThat(budget.state()).isEqualTo(MemoryState.PRESSURE);
        budget.release(300 * KIB); // 424 KiB
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
    }

    @Test
    void aLargeReleaseGoesFromOverloadedStraightToNormal() {
        budget.hold(BUDGET);
        budget.release(BUDGET);
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
        assertThat(budget.held()).isZero();
    }

    @Test
    void waitersHearOfEveryEasingAndNothingElse() {
        AtomicInteger told = new AtomicInteger();
        MemoryBudget.Waiter waiter = told::incrementAndGet;
        budget.await(waiter);
        assertThat(budget.waiting()).isEqualTo(1);

        budget.hold(BUDGET); // NORMAL -> OVERLOADED: tightening, nobody is told
        assertThat(told).hasValue(0);
        budget.release(300 * KIB); // OVERLOADED -> PRESSURE
        assertThat(told).hasValue(1);
        budget.release(300 * KIB); // PRESSURE -> NORMAL
        assertThat(told).hasValue(2);

        budget.stopWaiting(waiter);
        budget.hold(BUDGET);
        budget.release(BUDGET);
        assertThat(told).hasValue(2);
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void directMemoryNearItsLimitCountsAsSpentWhateverIsHeld() {
        budget.directMemoryUsed((long) (DIRECT * 0.89));
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
        budget.directMemoryUsed((long) Math.ceil(DIRECT * 0.90));
        assertThat(budget.state()).isEqualTo(MemoryState.OVERLOADED);
        budget.directMemoryUsed((long) (DIRECT * 0.85)); // between the lines: still tight
        assertThat(budget.state()).isEqualTo(MemoryState.OVERLOADED);
        budget.directMemoryUsed((long) (DIRECT * 0.79));
        assertThat(budget.state()).isEqualTo(MemoryState.NORMAL);
    }

    @Test
    void onlyAlmostExhaustedDirectMemoryIsCriticalEnoughToShed() {
        budget.directMemoryUsed((long) (DIRECT * 0.96));
        assertThat(budget.state()).as("tight: reading stops").isEqualTo(MemoryState.OVERLOADED);
        assertThat(budget.directMemoryCritical()).as("but nobody is shed").isFalse();
        budget.directMemoryUsed((long) Math.ceil(DIRECT * 0.97));
        assertThat(budget.directMemoryCritical()).isTrue();
        budget.directMemoryUsed((long) (DIRECT * 0.96));
        assertThat(budget.directMemoryCritical()).isFalse();
    }

    @Test
    void timeOverloadedAddsUpOverSpells() throws InterruptedException {
        assertThat(budget.overloadedSeconds()).isZero();
        budget.hold(BUDGET);
        Thread.sleep(50); // a spell of measurable length; no condition to await
        budget.release(BUDGET);
        double first = budget.overloadedSeconds();
        assertThat(first).isGreaterThanOrEqualTo(0.05);
        assertThat(budget.overloadedSeconds()).isEqualTo(first); // not counting while not overloaded
        budget.hold(BUDGET);
        assertThat(budget.overloadedSeconds()).isGreaterThanOrEqualTo(first);
    }
}
