// redisclient talks to a Redis server with go-redis and its default
// dialer: SET, GET, INCR, a pipeline and a pub/sub round trip.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: os.Args[1]})
	defer rdb.Close()
	if err := rdb.Set(ctx, "greeting", "hello from wasip1", 0).Err(); err != nil {
		log.Fatal("SET: ", err)
	}
	v, err := rdb.Get(ctx, "greeting").Result()
	if err != nil {
		log.Fatal("GET: ", err)
	}
	for i := 0; i < 100; i++ {
		if err := rdb.Incr(ctx, "counter").Err(); err != nil {
			log.Fatal("INCR: ", err)
		}
	}
	pipe := rdb.Pipeline()
	get := pipe.Get(ctx, "counter")
	pipe.Incr(ctx, "counter")
	if _, err := pipe.Exec(ctx); err != nil {
		log.Fatal("pipeline: ", err)
	}
	sub := rdb.Subscribe(ctx, "news")
	if _, err := sub.Receive(ctx); err != nil {
		log.Fatal("SUBSCRIBE: ", err)
	}
	if err := rdb.Publish(ctx, "news", "extra").Err(); err != nil {
		log.Fatal("PUBLISH: ", err)
	}
	msg, err := sub.ReceiveMessage(ctx)
	if err != nil {
		log.Fatal("message: ", err)
	}
	sub.Close()
	fmt.Printf("redis ok: greeting=%q counter=%s message=%q\n", v, get.Val(), msg.Payload)
}
