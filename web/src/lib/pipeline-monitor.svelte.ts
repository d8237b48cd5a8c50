/**
 * The Pipeline view's state: the latest `pipeline` data (the server pushes it whole once a
 * second) and the counters' increase over the last minute, watched from successive pushes.
 */
import type { PipelineData } from '../../../shared/pipeline.js';
import { ChannelFeed } from './channel-feed.svelte.js';
import { CounterHistory } from './pipeline-view.js';

export class PipelineMonitor extends ChannelFeed<PipelineData> {
  /** Each counter's increase over the last minute (or as much of it as was watched); null until two pushes arrived. */
  recent = $state.raw<{ spanMs: number; byName: Record<string, number> } | null>(null);

  readonly #history = new CounterHistory();

  override snapshot(data: PipelineData): void {
    super.snapshot(data);
    this.#record(data);
  }

  override update(data: PipelineData): void {
    super.update(data);
    this.#record(data);
  }

  #record(data: PipelineData): void {
    this.#history.add(data.at, data.counters);
    this.recent = this.#history.increases();
  }
}
