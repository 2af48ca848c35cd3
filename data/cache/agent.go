package cache

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// LastAgent is the agent who last signed in on this machine: offline, the
// sign-in screen offers the cached cases read-only to them.
type LastAgent struct {
	ID         string    `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	SignedInAt time.Time `json:"signed_in_at"`
}

// SetLastAgent records a successful sign-in (sealed, like every record).
func (c *Cache) SetLastAgent(a data.Agent) error {
	if a.ID == "" {
		return fmt.Errorf("%w: an agent without id", ErrInvalid)
	}
	la := LastAgent{ID: a.ID, Username: a.Username, Name: a.Name, Role: a.Role, SignedInAt: c.now()}
	return c.update(func(tx *bolt.Tx) error {
		return c.putSealed(tx.Bucket(bucketMeta), bucketMeta, metaLastAgent, la)
	})
}

// LastAgent reads the agent who last signed in; ErrNotFound when nobody has.
func (c *Cache) LastAgent() (LastAgent, error) {
	var la LastAgent
	err := c.view(func(tx *bolt.Tx) error {
		ok, err := c.getSealed(tx.Bucket(bucketMeta), bucketMeta, metaLastAgent, &la)
		if err == nil && !ok {
			err = fmt.Errorf("last agent: %w", ErrNotFound)
		}
		return err
	})
	return la, err
}
