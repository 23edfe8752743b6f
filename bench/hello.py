"""The HTTP baseline: a bare FastAPI hello-world, served exactly as the gateway is served.

python -m bench.hello PORT
"""

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello, world"}


def main() -> None:
    # The gateway's settings (gateway/__main__.py): one worker, uvloop, httptools, no access log.
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None,
                access_log=False, loop="uvloop", http="httptools")


if __name__ == "__main__":
    main()
