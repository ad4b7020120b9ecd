// Mocha root hooks for the system suite (package.json passes this file with --require): after the last test
// file, remove everything this run created on the Docker engine (containers, networks, volumes and its own image
// tags), and nothing another run created. The stand-in base images stay: they are a cache every run shares.
import { removeRun } from "../../scripts/docker-cli.js";

export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    removeRun();
  },
};
