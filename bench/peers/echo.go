// The echo a Go user would write: a goroutine per connection, io.Copy from the connection to itself (which, for two
// TCP connections, the runtime turns into splice(2) on Linux), then CloseWrite for the half-close. A peer for the
// benchmark (bench/run.sh builds and runs it with Debian's golang-go); not part of tcp-echo.
//
//	go run echo.go -addr 127.0.0.1:7007
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7007", "address to listen on")
	flag.Parse()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("READY", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			// Out of file descriptors, say: wait and go on, as net/http's server does, rather than end every connection.
			log.Print(err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			if _, err := io.Copy(c, c); err == nil {
				c.(*net.TCPConn).CloseWrite()
			}
		}(conn)
	}
}
