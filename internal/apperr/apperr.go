// Package apperr is the error that crosses from domain packages to users: a
// stable code for programs, a message in Chinese safe to show people, the
// field it concerns, and a kind that decides the HTTP status and exit code.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for status codes and exit codes.
type Kind int

const (
	Internal     Kind = iota // a fault of ours; the message is generic
	Invalid                  // the input is wrong; the message says how
	NotFound                 // the thing asked for does not exist (or is not visible)
	Conflict                 // the request contradicts the current state
	Forbidden                // the user may not do this
	Unauthorized             // no valid login
	Unavailable              // a dependency (database, link) is down
)

// Error is a user-facing error.
type Error struct {
	Kind    Kind
	Code    string // stable, dotted: "user.username_taken"
	Message string // Simplified Chinese, says what is wrong
	Field   string // the input field it concerns, if any
	Err     error  // the underlying cause, for logs; never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Invalidf returns an Invalid error about field.
func Invalidf(field, code, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of err: Internal unless err carries an *Error.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// IsNotFound reports whether err is a NotFound error.
func IsNotFound(err error) bool { return err != nil && KindOf(err) == NotFound }
