import { SetMetadata } from '@nestjs/common';
import { JobName } from './jobs';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** Marks the service method that does the work of a job; discovered when the worker starts. */
export const JobHandler = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);
