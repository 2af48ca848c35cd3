package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestIdleLockSetting(t *testing.T) {
	a := test.NewTempApp(t)
	s := Settings{p: a.Preferences()}
	if got := s.IdleLockMinutes(); got != 15 {
		t.Errorf("default %d, want 15", got)
	}
	s.SetIdleLockMinutes(5)
	if got := s.IdleLockMinutes(); got != 5 {
		t.Errorf("after setting 5: %d", got)
	}
	for _, bad := range []int{0, -3, 100000} {
		s.SetIdleLockMinutes(bad)
		if got := s.IdleLockMinutes(); got != 15 {
			t.Errorf("stored %d: %d, want the default", bad, got)
		}
	}
}
