package dev.deadlineguard.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewBudgetTest {

    final List<String> granted = new ArrayList<>();

    ReviewBudget.Waiter waiter(String name) {
        return () -> granted.add(name);
    }

    @Test
    void largeReviewsWaitInLineAndAreGrantedInOrderAsBytesAreReleased() {
        ReviewBudget budget = new ReviewBudget(10, 1000, 100);
        assertThat(budget.reserveLarge(60, waiter("a"))).isTrue();
        assertThat(budget.reserveLarge(60, waiter("b"))).as("over the budget: waits").isFalse();
        assertThat(budget.reserveLarge(10, waiter("c"))).as("fits, but never jumps the line").isFalse();

        budget.releaseLarge(60);
        assertThat(granted).containsExactly("b", "c");
    }

    @Test
    void aWaiterThatLeftTheLineIsNeverGranted() {
        ReviewBudget budget = new ReviewBudget(10, 1000, 100);
        ReviewBudget.Waiter late = waiter("late");
        assertThat(budget.reserveLarge(100, waiter("a"))).isTrue();
        assertThat(budget.reserveLarge(50, late)).isFalse();

        assertThat(budget.leaveLine(late)).isTrue();
        budget.releaseLarge(100);
        assertThat(granted).isEmpty();
        assertThat(budget.leaveLine(late)).as("already out").isFalse();
        assertThat(budget.reserveLarge(100, waiter("b"))).as("all bytes back").isTrue();
    }

    @Test
    void aBodyLargerThanTheBudgetStillGetsItsTurnAlone() {
        ReviewBudget budget = new ReviewBudget(10, 1000, 100);
        assertThat(budget.reserveLarge(7_000_000, waiter("huge"))).isTrue();
        assertThat(budget.reserveLarge(1, waiter("next"))).isFalse();
        budget.releaseLarge(7_000_000);
        assertThat(granted).containsExactly("next");
    }

    @Test
    void reviewSlotsAndKeptBytesAreBounded() {
        ReviewBudget budget = new ReviewBudget(2, 100, 100);
        assertThat(budget.startReview()).isTrue();
        assertThat(budget.startReview()).isTrue();
        assertThat(budget.startReview()).isFalse();
        budget.endReview();
        assertThat(budget.startReview()).isTrue();
        assertThat(budget.reviewsInFlight()).isEqualTo(2);

        assertThat(budget.reserve(80)).isTrue();
        assertThat(budget.reserve(30)).as("would pass 100").isFalse();
        assertThat(budget.bytesInUse()).isEqualTo(80);
        budget.release(80);
        assertThat(budget.reserve(100)).isTrue();
    }
}
