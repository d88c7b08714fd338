// What the compatibility scripts share: one JSON object per line on stdout (NodeScript reads them as they come), and
// an exit that does not lose any of them.
'use strict';

function print(type, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ type }, fields)) + '\n');
}

// process.exit drops what stdout has not written yet (to a pipe whose reader lags, Node writes asynchronously): exit
// once everything printed so far is out.
function exit(code) {
  const check = () => (process.stdout.writableLength === 0 ? process.exit(code) : setTimeout(check, 10));
  check();
}

module.exports = { print, exit };
