package app

import (
	"time"

	"verifydesk/screens"
)

// keyIdleLock is the minutes without input before the console locks.
const keyIdleLock = "lock.idleMinutes"

// IdleLockMinutes is how long the console waits without input before it
// hides the workspace behind the sign-in screen: 1 to 480 minutes, 15 unless
// changed.
func (s Settings) IdleLockMinutes() int {
	m := s.p.IntWithFallback(keyIdleLock, int(screens.DefaultIdleLock/time.Minute))
	if m < 1 || m > screens.MaxIdleLockMinutes {
		return int(screens.DefaultIdleLock / time.Minute)
	}
	return m
}

// SetIdleLockMinutes stores the idle lock's wait.
func (s Settings) SetIdleLockMinutes(m int) { s.p.SetInt(keyIdleLock, m) }
