package outbox

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Quota is a mailbox provider's sending limit (S7). A message with several
// recipients counts as one send, unless the provider counts recipients.
type Quota struct {
	Preset          string
	Daily           int // per rolling 24 hours; 0 means none
	PerMinute       int // per rolling minute; 0 means none
	CountRecipients bool
}

// QuotaPresets lists the known providers' limits. They are the published
// figures for ordinary accounts; smtp.daily_limit overrides the daily one.
func QuotaPresets() map[string]Quota {
	return map[string]Quota{
		"":                 {},
		"custom":           {Preset: "custom"},
		"gmail":            {Preset: "gmail", Daily: 500},
		"google-workspace": {Preset: "google-workspace", Daily: 2000},
		"microsoft-365":    {Preset: "microsoft-365", Daily: 10000, PerMinute: 30, CountRecipients: true},
	}
}

// QuotaFor returns the limits of a preset, with the daily and per-minute
// limits overridden where they are set (non-zero).
func QuotaFor(preset string, daily, perMinute int) (Quota, error) {
	q, ok := QuotaPresets()[strings.ToLower(strings.TrimSpace(preset))]
	if !ok {
		return Quota{}, fmt.Errorf("smtp.provider %q is not one of: gmail, google-workspace, microsoft-365, custom", preset)
	}
	if daily < 0 || perMinute < 0 {
		return Quota{}, fmt.Errorf("smtp.daily_limit and smtp.minute_limit cannot be negative")
	}
	if daily > 0 {
		q.Daily = daily
	}
	if perMinute > 0 {
		q.PerMinute = perMinute
	}
	return q, nil
}

// QuotaStatus measures the rolling windows now.
func (s *Service) QuotaStatus(ctx context.Context) (QuotaStatus, error) {
	q := s.cfg.Quota
	st := QuotaStatus{Preset: q.Preset, Limit: q.Daily, PerMinuteLimit: q.PerMinute, CountsRecipients: q.CountRecipients}
	now := s.now()
	sent, err := s.runner.SentSince(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return st, fmt.Errorf("measure sending quota: %w", err)
	}
	weight := func(recipients int) int {
		if q.CountRecipients {
			return max(1, recipients)
		}
		return 1
	}
	minuteAgo := now.Add(-time.Minute)
	for _, x := range sent {
		w := weight(x.Recipients)
		st.Used += w
		if x.At.After(minuteAgo) {
			st.PerMinuteUsed += w
		}
	}
	// When a window is full, a slot opens as its oldest sends age out.
	if st.Limit > 0 && st.Used >= st.Limit {
		over := st.Used - st.Limit
		for _, x := range sent {
			over -= weight(x.Recipients)
			if over < 0 {
				st.FreesAt = x.At.Add(24 * time.Hour)
				break
			}
		}
	}
	if st.PerMinuteLimit > 0 && st.PerMinuteUsed >= st.PerMinuteLimit {
		for _, x := range sent {
			if x.At.After(minuteAgo) {
				if t := x.At.Add(time.Minute); t.After(st.FreesAt) {
					st.FreesAt = t
				}
				break
			}
		}
	}
	return st, nil
}

// room is how many more sends (or recipients) the windows allow now; -1
// means no limit.
func (q QuotaStatus) room() int {
	r := -1
	if q.Limit > 0 {
		r = max(0, q.Limit-q.Used)
	}
	if q.PerMinuteLimit > 0 {
		m := max(0, q.PerMinuteLimit-q.PerMinuteUsed)
		if r < 0 || m < r {
			r = m
		}
	}
	return r
}
