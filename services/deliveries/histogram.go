package deliveries

import (
	"time"

	"verifydesk/data"
)

// Bucket counts the deliveries requested in [Start, Start+width).
type Bucket struct {
	Start     time.Time
	Delivered int
	Failed    int // undelivered, failed or bounced
	Pending   int // queued or sent, no outcome yet
}

// Total is every delivery in the bucket.
func (b Bucket) Total() int { return b.Delivered + b.Failed + b.Pending }

// Histogram counts dels in n buckets of width ending at now (the last bucket
// holds now): bursts and failures over the last day (24 of an hour) or week
// (7 of a day). Deliveries outside the span are left out.
func Histogram(dels []data.Delivery, now time.Time, width time.Duration, n int) []Bucket {
	if n <= 0 || width <= 0 {
		return nil
	}
	end := now.Truncate(width).Add(width)
	start := end.Add(-time.Duration(n) * width)
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = start.Add(time.Duration(i) * width)
	}
	for _, d := range dels {
		if d.RequestedAt.Before(start) || !d.RequestedAt.Before(end) {
			continue
		}
		b := &out[int(d.RequestedAt.Sub(start)/width)]
		switch {
		case d.Status == data.StatusDelivered:
			b.Delivered++
		case d.Failed():
			b.Failed++
		default:
			b.Pending++
		}
	}
	return out
}
