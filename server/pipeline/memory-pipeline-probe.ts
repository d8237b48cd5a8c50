/** Embedded-mode adapter of the PipelineProbe port: one instance, backlog from MemoryStreams. */
import type { MemoryStreams } from '../ingest/memory-streams.js';
import { INPUT_STREAMS } from '../ingest/stream-source.js';
import type { InstanceRecord, PipelineProbe, StreamBacklog } from './pipeline-probe.js';

export class MemoryPipelineProbe implements PipelineProbe {
  readonly #streams: MemoryStreams;
  readonly #prefix: string;
  readonly #group: string;
  #self: InstanceRecord | null = null;
  #epoch: string | null = null;

  constructor(streams: MemoryStreams, prefix: string, group: string) {
    this.#streams = streams;
    this.#prefix = prefix;
    this.#group = group;
  }

  async backlog(): Promise<StreamBacklog[]> {
    return INPUT_STREAMS.map((stream) => ({ stream, ...this.#streams.groupInfo(this.#prefix + stream, this.#group) }));
  }

  async heartbeat(instance: InstanceRecord): Promise<void> {
    this.#self = { ...instance };
  }

  async instances(): Promise<InstanceRecord[]> {
    return this.#self ? [this.#self] : [];
  }

  /** The embedded streams live and die with the process: their epoch never changes under it. */
  async claimEpoch(candidate: string): Promise<string> {
    this.#epoch ??= candidate;
    return this.#epoch;
  }
}
