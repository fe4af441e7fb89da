package stub

import "testing"

// TestFirstStubPerLab checks what the graded tests print before a failure
// (labs/03-zab-broadcast/helpers_test.go's stubFirst): the first stub of a
// lab called is kept, later ones do not replace it, and the labs are asked
// in the order given.
func TestFirstStubPerLab(t *testing.T) {
	if err := First(98, 99); err != nil {
		t.Fatalf("First before any stub = %v, want nil", err)
	}
	if err := NotImplemented(99, "B.x"); err == nil || err.Error() != "not implemented: lab 99 (B.x)" {
		t.Fatalf("NotImplemented = %v", err)
	}
	NotImplemented(99, "B.y")
	NotImplemented(98, "A.x")
	if err := First(98, 99); err == nil || err.Error() != "not implemented: lab 98 (A.x)" {
		t.Errorf("First(98, 99) = %v, want lab 98's A.x", err)
	}
	if err := First(99); err == nil || err.Error() != "not implemented: lab 99 (B.x)" {
		t.Errorf("First(99) = %v, want the first stub, B.x", err)
	}
}
