import { Inject, Injectable, Type } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobDispatcher } from './job-dispatcher';
import { QueueName, QUEUES } from './jobs';
import { QueueProcessor } from './queue-processor.base';
import { JobMetrics } from './queue-metrics';

/** The consumer of one queue; its Worker is constructed with the configured settings when the application starts. */
function consumerOf(queue: QueueName, name: string): Type<QueueProcessor> {
  @Injectable()
  class Consumer extends QueueProcessor {
    constructor(dispatcher: JobDispatcher, @Inject(APP_CONFIG) config: AppConfig, metrics: JobMetrics) {
      super(queue, dispatcher, config, metrics);
    }
  }
  Object.defineProperty(Consumer, 'name', { value: name });
  return Consumer;
}

export const RegistryQueueProcessor = consumerOf(QUEUES.registry, 'RegistryQueueProcessor');
export const IntakeQueueProcessor = consumerOf(QUEUES.intake, 'IntakeQueueProcessor');
export const CyclesQueueProcessor = consumerOf(QUEUES.cycles, 'CyclesQueueProcessor');
export const NotifyQueueProcessor = consumerOf(QUEUES.notify, 'NotifyQueueProcessor');
