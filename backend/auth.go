package backend

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// pbkdf2Iterations is deliberately modest: agent passwords are hashed on every
// sign-in and the test suite signs in hundreds of times under -race.
const pbkdf2Iterations = 20000

func hashPassword(password string, salt []byte) []byte {
	k, err := pbkdf2.Key(sha256.New, password, salt, pbkdf2Iterations, 32)
	if err != nil {
		// Only reachable with an invalid key length, which is constant here.
		panic(err)
	}
	return k
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

func randomToken(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }

func tokenKey(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// AddAgent creates or replaces an agent who can sign in with username and
// password. role is data.RoleAgent or data.RoleSupervisor.
func (s *Server) AddAgent(ctx context.Context, id, username, name, role, password string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return putAgent(tx, id, username, name, role, password) })
}

func putAgent(tx *bolt.Tx, id, username, name, role, password string) error {
	if role != data.RoleAgent && role != data.RoleSupervisor {
		return fmt.Errorf("backend: unknown role %q", role)
	}
	if id == "" || username == "" || password == "" {
		return errors.New("backend: agent id, username and password are required")
	}
	salt := randomBytes(16)
	rec := agentRec{Agent: data.Agent{ID: id, Username: username, Name: name, Role: role}, Salt: salt, Hash: hashPassword(password, salt)}
	if err := tx.Bucket(bucketAgentNames).Put([]byte(strings.ToLower(username)), []byte(id)); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketAgents), []byte(id), rec)
}

func (s *Server) signIn(c *call) (any, error) {
	var req data.SignInRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act := c.audit("sign_in", "")
	act.Detail = "username " + truncate(req.Username, 64)
	if s.cfg.PasswordSignInOff {
		return nil, forbidden("password sign-in is turned off on this backend: sign in with single sign-on")
	}
	if req.Username == "" || req.Password == "" {
		return nil, badRequest("username and password are required")
	}
	var rec agentRec
	var found bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketAgentNames).Get([]byte(strings.ToLower(req.Username)))
		if id == nil {
			return nil
		}
		var err error
		found, err = getJSON(tx.Bucket(bucketAgents), id, &rec)
		return err
	}); err != nil {
		return nil, err
	}
	// Hash even for unknown users so timing does not tell which usernames exist.
	salt := rec.Salt
	if !found {
		salt = make([]byte, 16)
	}
	got := hashPassword(req.Password, salt)
	if !found || subtle.ConstantTimeCompare(got, rec.Hash) != 1 {
		return nil, errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "wrong username or password")
	}
	c.agent = rec.Agent
	return s.newSession(c, rec.Agent, time.Time{})
}

// authenticate resolves the bearer token into the calling agent.
func (s *Server) authenticate(c *call) *apiError {
	h := c.r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "missing bearer token")
	}
	key := tokenKey(token)
	if cs, ok := s.sessions.Load(string(key)); ok {
		cs := cs.(cachedSession)
		if !s.now().Before(cs.expires) {
			s.sessions.Delete(string(key))
			return errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "session expired: sign in again")
		}
		c.agent, c.token = cs.agent, token
		return nil
	}
	var sess sessionRec
	var agent agentRec
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketSessions), tokenKey(token), &sess)
		if err != nil || !ok {
			return err
		}
		found, err = getJSON(tx.Bucket(bucketAgents), []byte(sess.AgentID), &agent)
		return err
	})
	if err != nil {
		return errf(http.StatusInternalServerError, data.ErrCodeInternal, "internal error")
	}
	if !found {
		return errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "unknown or revoked token: sign in again")
	}
	if !s.now().Before(sess.ExpiresAt) {
		return errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "session expired: sign in again")
	}
	// A sign-out may have run since the read above: fill the cache only if
	// the session is still on file, under the lock sign-out holds while it
	// deletes, so a signed-out token is never cached again.
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	var still bool
	if err := s.db.View(func(tx *bolt.Tx) error {
		still = tx.Bucket(bucketSessions).Get(key) != nil
		return nil
	}); err != nil {
		return errf(http.StatusInternalServerError, data.ErrCodeInternal, "internal error")
	}
	if !still {
		return errf(http.StatusUnauthorized, data.ErrCodeUnauthorized, "unknown or revoked token: sign in again")
	}
	c.agent = agent.Agent
	c.token = token
	s.sessions.Store(string(key), cachedSession{agent: agent.Agent, expires: sess.ExpiresAt})
	return nil
}

// cachedSession spares a read transaction and two decodes per request. The
// Server is the only writer of its file; sign-out deletes the row and the
// cache entry under sessMu, and authenticate re-checks the row under sessMu
// before caching, so the cache never outlives a sign-out.
type cachedSession struct {
	agent   data.Agent
	expires time.Time
}

func (s *Server) me(c *call) (any, error) { return c.agent, nil }

func (s *Server) signOut(c *call) (any, error) {
	c.audit("sign_out", "")
	key := tokenKey(c.token)
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	// The cache entry goes even when the delete fails: the next request then
	// reads the file, which is the truth either way.
	defer s.sessions.Delete(string(key))
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete(key)
	}); err != nil {
		return nil, err
	}
	c.status = http.StatusNoContent
	return nil, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// At most n bytes, never half a character.
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// listAgents answers the agent directory: ids, names and roles of every agent,
// sorted by id, without usernames or password hashes.
func (s *Server) listAgents(c *call) (any, error) {
	out := data.AgentDirectory{Agents: []data.AgentInfo{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAgents).ForEach(func(k, v []byte) error {
			var rec agentRec
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			out.Agents = append(out.Agents, data.AgentInfo{ID: rec.ID, Name: rec.Name, Role: rec.Role})
			return nil
		})
	})
	return out, err
}
