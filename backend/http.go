package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"verifydesk/data"
)

// route is one entry of the route table; the OpenAPI test compares this table
// with backend/openapi.yaml in both directions.
type route struct {
	Method string
	Path   string
	Public bool // served without a bearer token
	h      func(*call) (any, error)
}

func (s *Server) routes() []route {
	return []route{
		{"POST", "/v1/agent/sessions", true, s.signIn},
		{"GET", "/v1/agent/sign-in-methods", true, s.signInMethods},
		{"POST", "/v1/agent/sessions/oidc", true, s.signInOIDC},
		{"GET", "/v1/agent/me", false, s.me},
		{"DELETE", "/v1/agent/sessions/current", false, s.signOut},
		{"GET", "/v1/agents", false, s.listAgents},
		{"GET", "/v1/accounts", false, s.searchAccounts},
		{"GET", "/v1/accounts/{id}", false, s.getAccount},
		{"POST", "/v1/accounts/{id}/reveal", false, s.reveal},
		{"GET", "/v1/accounts/{id}/deliveries", false, s.listDeliveries},
		{"POST", "/v1/accounts/{id}/codes", false, s.resend},
		{"GET", "/v1/accounts/{id}/trusted-devices", false, s.listDevices},
		{"DELETE", "/v1/accounts/{id}/trusted-devices/{deviceId}", false, s.removeDevice},
		{"POST", "/v1/accounts/{id}/sessions/revoke", false, s.revokeSessions},
		{"POST", "/v1/accounts/{id}/two-factor/disable", false, s.disable2FA},
		{"POST", "/v1/accounts/{id}/contact", false, s.changeContact},
		{"GET", "/v1/accounts/{id}/login-activity", false, s.loginActivity},
		{"GET", "/v1/accounts/{id}/rate-limits", false, s.rateLimits},
		{"POST", "/v1/accounts/{id}/identity-checks", false, s.startCheck},
		{"POST", "/v1/identity-checks/{checkId}/verify", false, s.verifyCheck},
		{"GET", "/v1/approvals", false, s.listApprovals},
		{"POST", "/v1/approvals", false, s.requestApproval},
		{"GET", "/v1/approvals/count", false, s.countApprovals},
		{"POST", "/v1/approvals/{approvalId}/approve", false, s.approve},
		{"POST", "/v1/approvals/{approvalId}/reject", false, s.reject},
		{"GET", "/v1/cases", false, s.listCases},
		{"POST", "/v1/cases", false, s.createCase},
		{"GET", "/v1/cases/{caseId}", false, s.getCase},
		{"PATCH", "/v1/cases/{caseId}", false, s.patchCase},
		{"POST", "/v1/cases/{caseId}/notes", false, s.addNote},
		{"GET", "/v1/audit", false, s.listAudit},
		{"POST", "/v1/audit/chain-heads", false, s.recordChainHead},
		{"GET", "/v1/audit/chain-heads/{consoleId}", false, s.latestChainHead},
		{"GET", "/v1/delivery-health", false, s.getDeliveryHealth},
		{"GET", "/v1/demo/inbox", false, s.demoInbox},
		{"GET", "/v1/openapi.yaml", true, s.openAPIDoc},
	}
}

const maxBody = 1 << 20

func (s *Server) routesHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errf(http.StatusNotFound, data.ErrCodeNotFound, "no such route: %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// call is one request being served.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	agent  data.Agent
	token  string
	status int
	act    *auditAct
}

// auditAct is what the audit records about a call; set by the handler.
type auditAct struct {
	Action, AccountID, Reason, Detail string
}

// audit marks the call as audited under action for account.
func (c *call) audit(action, accountID string) *auditAct {
	c.act = &auditAct{Action: action, AccountID: accountID}
	return c.act
}

// rawBody is a non-JSON answer.
type rawBody struct {
	contentType string
	body        []byte
}

// apiError is an error with its HTTP status and contract body.
type apiError struct {
	status int
	body   data.APIError
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.body.Code, e.body.Message)
}

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, body: data.APIError{Code: code, Message: fmt.Sprintf(format, args...)}}
}

func (e *apiError) with(key string, v any) *apiError {
	if e.body.Details == nil {
		e.body.Details = map[string]any{}
	}
	e.body.Details[key] = v
	return e
}

func badRequest(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, data.ErrCodeBadRequest, format, args...)
}

func notFound(what string) *apiError {
	return errf(http.StatusNotFound, data.ErrCodeNotFound, "%s not found", what)
}

// data.ErrCodeWrongCode is the error code of a wrong identity-check code (403,
// with details.attempts_left). It belongs beside the other codes in data
// (data.ErrCode*); it is spelled here and in services/client until it moves
// there, and the contract tests hold both to openapi.yaml.

func forbidden(format string, args ...any) *apiError {
	return errf(http.StatusForbidden, data.ErrCodeForbidden, format, args...)
}

func conflict(format string, args ...any) *apiError {
	return errf(http.StatusConflict, data.ErrCodeConflict, format, args...)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.body.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.body.RetryAfter))
	}
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="verifydesk"`)
	}
	writeJSON(w, e.status, e.body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		// Only reachable with a value encoding/json cannot encode, which the
		// models never hold.
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal","message":"internal error"}`+"\n")
	}
	writeBody(w, status, body, false)
}

// writeBody sends a JSON body made by encodeJSON; replayed marks the repeat of
// an idempotent write's first answer.
func writeBody(w http.ResponseWriter, status int, body []byte, replayed bool) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if replayed {
		h.Set(data.HeaderIdempotentReplayed, "true")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r, status: http.StatusOK}
		status := http.StatusOK
		defer func() {
			if p := recover(); p != nil {
				// Never let one bad request take the server down; the panic value
				// is logged by type only, as it could carry request data.
				s.log.Error("handler panic", "route", rt.Method+" "+rt.Path, "panic_type", fmt.Sprintf("%T", p))
				status = http.StatusInternalServerError
				writeError(w, errf(status, data.ErrCodeInternal, "internal error"))
			}
			if c.act != nil {
				s.recordAudit(c, status)
			}
		}()
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if !rt.Public {
			if e := s.authenticate(c); e != nil {
				status = e.status
				writeError(w, e)
				return
			}
		}
		v, err := rt.h(c)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				s.log.Error("request failed", "route", rt.Method+" "+rt.Path, "err", err)
				ae = errf(http.StatusInternalServerError, data.ErrCodeInternal, "internal error")
			}
			status = ae.status
			writeError(w, ae)
			return
		}
		status = c.status
		if a, ok := v.(answer); ok {
			status = a.status
			if a.replayed && c.act != nil {
				c.act.Detail = strings.TrimSpace(c.act.Detail + " (replayed)")
			}
			writeBody(w, status, a.body, a.replayed)
			return
		}
		if rb, ok := v.(rawBody); ok {
			w.Header().Set("Content-Type", rb.contentType)
			w.WriteHeader(status)
			_, _ = w.Write(rb.body)
			return
		}
		if v == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
	})
}

// decode reads a JSON body into v; a bad body is a 400.
func (c *call) decode(v any) error {
	dec := json.NewDecoder(c.r.Body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errf(http.StatusRequestEntityTooLarge, data.ErrCodeBadRequest, "body larger than %d bytes", maxBody)
		}
		return badRequest("body is not valid JSON for this route: %v", err)
	}
	return nil
}

// decodeOptional is decode for routes whose body may be left out.
func (c *call) decodeOptional(v any) error {
	if c.r.ContentLength == 0 {
		return nil
	}
	err := json.NewDecoder(c.r.Body).Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return badRequest("body is not valid JSON for this route: %v", err)
	}
	return nil
}

// requireSupervisor answers 403 unless the caller is a supervisor.
func (c *call) requireSupervisor() error {
	if c.agent.Role != data.RoleSupervisor {
		return forbidden("this route is for supervisors only")
	}
	return nil
}

func limitParam(c *call, def, max int) (int, error) {
	v := c.r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("limit must be a number from 1 to %d", max)
	}
	return n, nil
}

func trimmed(s string) string { return strings.TrimSpace(s) }
