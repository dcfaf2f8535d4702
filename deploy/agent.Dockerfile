# syntax=docker/dockerfile:1
# The dlt agent as a container image: `dlt agent`, dialling out to a dlt server (only outbound
# HTTP(S) needed). Build from the repository's root:
#
#   docker build -f deploy/agent.Dockerfile -t dlt-agent .
#   docker run --rm -e DLT_SERVER=https://dlt.example.com -e DLT_TOKEN=dlt_… -e DLT_REGION=eu-west dlt-agent
#
# The entrypoint is `dlt` itself, so `docker run dlt-agent agent --slots 2` (or a Kubernetes
# container's `args`, or an ECS container override's `command`) passes flags. SIGTERM stops the
# agent cleanly: running tasks are interrupted and their results uploaded first (allow 30 s).
# Locust tests need a real `locust`: build with `--build-arg LOCUST=1` to include Debian's.
FROM node:24-bookworm-slim

ARG LOCUST=0
RUN if [ "$LOCUST" = 1 ]; then \
      apt-get update && apt-get install -y --no-install-recommends python3-locust && rm -rf /var/lib/apt/lists/*; \
    fi

ENV NODE_ENV=production
WORKDIR /opt/dlt
# The workspace: the lockfile pins every dependency; only the command line's packages are installed.
COPY package.json package-lock.json ./
COPY packages/ packages/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace packages/cli \
    && npm cache clean --force

USER node
# DLT_SERVER, DLT_TOKEN, DLT_REGION and DLT_SLOTS are read from the environment.
ENTRYPOINT ["node", "/opt/dlt/packages/cli/src/bin.ts"]
CMD ["agent"]
