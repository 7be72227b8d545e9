// pgclient talks to PostgreSQL with pgx and its default dialer: a table,
// a batch of inserts in a transaction, a query, a listen/notify.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Args[1])
	if err != nil {
		log.Fatal("connect: ", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS words (id int PRIMARY KEY, word text)"); err != nil {
		log.Fatal("create: ", err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		log.Fatal("begin: ", err)
	}
	for i, w := range []string{"real", "sockets", "for", "wasip1"} {
		if _, err := tx.Exec(ctx, "INSERT INTO words VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET word = $2", i, w); err != nil {
			log.Fatal("insert: ", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		log.Fatal("commit: ", err)
	}
	var n int
	var joined string
	if err := conn.QueryRow(ctx, "SELECT count(*), string_agg(word, ' ' ORDER BY id) FROM words").Scan(&n, &joined); err != nil {
		log.Fatal("select: ", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN events"); err != nil {
		log.Fatal("listen: ", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_notify('events', 'ping')"); err != nil {
		log.Fatal("notify: ", err)
	}
	note, err := conn.WaitForNotification(ctx)
	if err != nil {
		log.Fatal("wait: ", err)
	}
	fmt.Printf("postgres ok: rows=%d words=%q notification=%q server=%s\n", n, joined, note.Payload,
		conn.PgConn().ParameterStatus("server_version"))
}
