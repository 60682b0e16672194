// The echo a Node.js user would write: socket.pipe(socket), with allowHalfOpen so that the client's FIN ends only
// the input and pipe() ends the output after the rest. A peer for the benchmark (bench/run.sh runs it with the
// machine's Node.js); not part of tcp-echo.
//
//   node echo.js 127.0.0.1 7007
'use strict';
const net = require('net');
const [host = '127.0.0.1', port = '7007'] = process.argv.slice(2);
const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen(Number(port), host, () => console.log('READY', server.address().port));
