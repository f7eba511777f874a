import { DynamicModule, Module } from '@nestjs/common';
import { DemoAssets } from './demo-assets';
import { DEMO_OPTIONS, DemoController, type DemoOptions } from './demo.controller';

/** The sandbox demo page and its sign-in route; only `AppModule.forRoot` in sandbox mode imports it. */
@Module({})
export class DemoModule {
  static forRoot(options: DemoOptions): DynamicModule {
    return {
      module: DemoModule,
      controllers: [DemoController],
      providers: [{ provide: DEMO_OPTIONS, useValue: options }, { provide: DemoAssets, useFactory: () => new DemoAssets() }],
    };
  }
}
