package main

import (
	_ "fyne.io/fyne/v2/test"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/go-resty/resty/v2"
	_ "github.com/google/uuid"
	_ "github.com/maxmind/mmdbwriter"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/oschwald/geoip2-golang/v2"
	_ "github.com/oschwald/maxminddb-golang/v2"
	_ "github.com/paulmach/orb/geo"
	_ "github.com/sony/gobreaker/v2"
	_ "github.com/zalando/go-keyring"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/time/rate"
)
